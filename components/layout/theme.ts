/** The cookie holding the chosen theme ("light" | "dark"); read by the server layout, written by ThemeToggle. */
export const THEME_COOKIE = "driftline-theme";
