"use client";
import { useEffect, useState } from "react";

export const INPUT_CLASS = "rounded border border-zinc-300 bg-transparent px-1.5 py-0.5 text-sm dark:border-zinc-700";

/**
 * A text/number filter that commits when typing stops (or on Enter), so every keystroke is not a
 * request; it follows the URL when the value changes from outside (clear, back button).
 */
export function FilterInput({
  label,
  value,
  onCommit,
  type = "text",
  placeholder,
  width = "w-40",
}: {
  label: string;
  value: string | number | undefined;
  onCommit: (v: string) => void;
  type?: "text" | "number";
  placeholder?: string;
  width?: string;
}) {
  const current = value === undefined ? "" : String(value);
  const [text, setText] = useState(current);
  const [dirty, setDirty] = useState(false);
  const [seen, setSeen] = useState(current);
  if (current !== seen) {
    // Changed from outside: show it, unless the person is typing something else right now.
    setSeen(current);
    if (!dirty) setText(current);
  }
  useEffect(() => {
    if (!dirty) return;
    const t = setTimeout(() => {
      setDirty(false);
      if (text.trim() !== current) onCommit(text.trim());
    }, 400);
    return () => clearTimeout(t);
  }, [text, dirty, current, onCommit]);
  const commitNow = () => {
    setDirty(false);
    if (text.trim() !== current) onCommit(text.trim());
  };
  return (
    <label className="flex items-center gap-1 text-xs">
      <span className="text-zinc-500">{label}</span>
      <input
        aria-label={label}
        type={type}
        value={text}
        placeholder={placeholder}
        onChange={(e) => (setText(e.target.value), setDirty(true))}
        onKeyDown={(e) => e.key === "Enter" && (e.preventDefault(), commitNow())}
        onBlur={() => dirty && commitNow()}
        className={`${width} ${INPUT_CLASS}`}
      />
    </label>
  );
}
