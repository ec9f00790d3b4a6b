import { expect, test } from './fixtures';

/**
 * The pages work under their Content-Security-Policy (dev and production builds): the home page,
 * the prejoin and a two-person call load, hydrate and decode video with no CSP violation reported.
 */
function recordViolations(): void {
  const seen: string[] = [];
  (window as unknown as { cspViolations: string[] }).cspViolations = seen;
  document.addEventListener('securitypolicyviolation', (event) => {
    seen.push(
      `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`,
    );
  });
}

test('home, prejoin and a call run under the CSP without a violation', async ({
  page,
  addParticipant,
}) => {
  await page.addInitScript(recordViolations);
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
  await expect(page.locator('main.home')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('home_create').click();
  await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
  expect(
    await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
  ).toEqual([]);

  const ada = await addParticipant('Ada', { beforeJoin: recordViolations });
  const bo = await addParticipant('Bo', { beforeJoin: recordViolations });
  for (const person of [ada, bo]) {
    const remote = person.page.getByTestId('tile_remote');
    await expect(remote).toHaveCount(1);
    await expect
      .poll(() => remote.locator('video').evaluate((video: HTMLVideoElement) => video.videoWidth))
      .toBeGreaterThan(0);
    expect(
      await person.page.evaluate(
        () => (window as unknown as { cspViolations: string[] }).cspViolations,
      ),
    ).toEqual([]);
  }
});
