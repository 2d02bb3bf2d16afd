export function dashboardFresh(root: string): boolean;
export function buildDashboard(root: string, opts?: { force?: boolean }): Promise<void>;
