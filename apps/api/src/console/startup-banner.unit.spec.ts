import { startupBanner, startupLinks, type StartupInfo } from './startup-banner.js';

const info: StartupInfo = { url: 'http://localhost:3000', mode: 'embedded', priceFeed: 'simulated', admin: true, docs: true, dataDir: '/srv/data' };

describe('startup banner', () => {
  describe('a service that serves /docs', () => {
    it('lists the API, docs, console, health, metrics and stream addresses', () => {
      const text = startupBanner(info);

      for (const line of [
        'API      http://localhost:3000/api/v1',
        'Docs     http://localhost:3000/docs',
        'Console  http://localhost:3000/console',
        'Health   http://localhost:3000/health',
        'Metrics  http://localhost:3000/metrics',
        'Stream   ws://localhost:3000/api/v1/stream',
      ]) {
        expect(text).toContain(line);
      }
      expect(text).not.toContain('\x1b[');
    });
  });

  describe('a service without /docs that created demo users', () => {
    it('leaves the docs out and shows the demo credentials', () => {
      const text = startupBanner({ ...info, docs: false, demoUsers: [{ email: 'demo@example.com', password: 'demo-pass-1' }] });

      expect(text).not.toContain('/docs');
      expect(text).toContain('demo@example.com / demo-pass-1');
      expect(startupLinks({ ...info, docs: false }).docs).toBeUndefined();
    });
  });
});
