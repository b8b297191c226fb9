/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Security headers (CSP with a per-request nonce, frame-ancestors, referrer policy) are set by the
  // custom server in server/http/security.ts, which also hands the nonce to Next.js.
  devIndicators: false,
  // Type checking runs once for the whole project (`npm run typecheck`, part of `npm test`).
  typescript: { ignoreBuildErrors: true },
  turbopack: { root: import.meta.dirname },
};

export default nextConfig;
