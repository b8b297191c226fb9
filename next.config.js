/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Security headers (CSP with a per-request nonce, frame-ancestors, referrer policy) are set by the
  // custom server in server/http/security.ts, which also hands the nonce to Next.js.
  devIndicators: false,
  turbopack: { root: import.meta.dirname },
};

export default nextConfig;
