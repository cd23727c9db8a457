// Where to go after signing in: only a path on this console (no "//host", no "/\\host", no scheme),
// so ?next= cannot become an open redirect. Shared by the login page and form.
export function safeNextPath(next: string | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || /[\u0000-\u001f]/.test(next)) {
    return "/";
  }
  return next.startsWith("/login") ? "/" : next;
}
