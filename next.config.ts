import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages are loaded by the custom server, never bundled into pages.
  serverExternalPackages: ['kurento-client', 'werift', 'pino'],
};

export default nextConfig;
