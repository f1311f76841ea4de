import type { SettingsStore } from '../store';
import { conversationScope, SETTING_KEYS } from './setting-scopes';

/** Who turned the weekly report off in a channel, and when. */
export interface WeeklyReportOffSetting {
  setBy: string | null;
  setAt: number;
}

/** Whether the weekly report was turned off in a conversation with `report off`. */
export async function weeklyReportOffIn(settings: SettingsStore, conversationKey: string): Promise<boolean> {
  return (await settings.getSetting<WeeklyReportOffSetting>(conversationScope(conversationKey), SETTING_KEYS.weeklyReportOff)) !== undefined;
}

/** Turns the weekly report on (the default) or off in a conversation. */
export async function setWeeklyReport(settings: SettingsStore, conversationKey: string, on: boolean, setBy: string | null, setAt: number): Promise<void> {
  const scope = conversationScope(conversationKey);
  if (on) await settings.deleteSetting(scope, SETTING_KEYS.weeklyReportOff);
  else await settings.setSetting(scope, SETTING_KEYS.weeklyReportOff, { setBy, setAt } satisfies WeeklyReportOffSetting);
}
