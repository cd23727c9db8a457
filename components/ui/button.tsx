import type { ButtonHTMLAttributes } from "react";

const VARIANTS = {
  default: "border-zinc-300 bg-white hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800",
  primary: "border-blue-700 bg-blue-600 text-white hover:bg-blue-700",
  danger: "border-red-700 bg-red-600 text-white hover:bg-red-700",
  ghost: "border-transparent hover:bg-zinc-100 dark:hover:bg-zinc-800",
} as const;

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
      className={`inline-flex items-center gap-1 rounded border font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500 disabled:cursor-not-allowed disabled:opacity-50 ${sz} ${VARIANTS[variant]} ${className}`}
      {...props}
    />
  );
}
