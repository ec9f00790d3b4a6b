import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages are loaded by the custom server, never bundled into pages.
  serverExternalPackages: ['kurento-client', 'werift', 'pino'],
};

// Strings: next-intl without locale routing (lib/i18n/request.ts picks the language).
const withNextIntl = createNextIntlPlugin('./lib/i18n/request.ts');

export default withNextIntl(nextConfig);
