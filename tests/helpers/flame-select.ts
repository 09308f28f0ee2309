// Selects a frame of the flame graph by keyboard as a user does: down the heaviest path from the
// root (arrow keys) until the selection names a function matching `re` (at most `steps` steps).
import type { Page } from 'playwright-core';

export async function selectFrameByKeys(page: Page, re: RegExp, steps = 12): Promise<string> {
  await page.getByTestId('tab-flame').waitFor();
  await page.locator('h2').click();
  const selection = page.getByTestId('flame-selection');
  for (let i = 0; i < steps; i++) {
    await page.keyboard.press('ArrowDown');
    const text = (await selection.textContent().catch(() => '')) ?? '';
    if (re.test(text)) break;
  }
  return (await selection.textContent()) ?? '';
}
