import type { ButtonHTMLAttributes } from "react";

// Hover colours only while enabled; a disabled button of any variant is the same flat grey, so
// "cannot click" never looks like "click me" (a half-transparent red Terminate still looked live).
const VARIANTS = {
  default: "border-zinc-300 bg-white enabled:hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:enabled:hover:bg-zinc-800",
  primary: "border-blue-700 bg-blue-600 text-white enabled:hover:bg-blue-700",
  danger: "border-red-700 bg-red-600 text-white enabled:hover:bg-red-700",
  ghost: "border-transparent enabled:hover:bg-zinc-100 dark:enabled:hover:bg-zinc-800",
} as const;

const DISABLED =
  "disabled:cursor-not-allowed disabled:border-zinc-200 disabled:bg-zinc-100 disabled:text-zinc-400 dark:disabled:border-zinc-800 dark:disabled:bg-zinc-900 dark:disabled:text-zinc-600";

export function Button({
  variant = "default",
  size = "md",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof VARIANTS; size?: "sm" | "md" }) {
  const sz = size === "sm" ? "px-2 py-0.5 text-xs" : "px-3 py-1.5 text-sm";
  return (
    <button
      type="button"
      className={`inline-flex items-center gap-1 rounded border font-medium whitespace-nowrap focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500 ${sz} ${VARIANTS[variant]} ${DISABLED} ${className}`}
      {...props}
    />
  );
}
