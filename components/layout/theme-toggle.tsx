"use client";

import { useState } from "react";

import { THEME_COOKIE } from "./theme";

/** Switches light/dark; the choice is a cookie, read by the server layout so the page renders in it without a flash. */
export function ThemeToggle({ initial }: { initial: "light" | "dark" }) {
  const [theme, setTheme] = useState(initial);
  const toggle = () => {
    const next = theme === "dark" ? "light" : "dark";
    setTheme(next);
    document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    document.querySelectorAll<HTMLElement>("[data-theme]").forEach((el) => (el.dataset.theme = next));
  };
  return (
    <button type="button" className="btn secondary small theme-toggle" onClick={toggle} aria-label={`Switch to ${theme === "dark" ? "light" : "dark"} theme`}>
      {theme === "dark" ? "☀ Light theme" : "☾ Dark theme"}
    </button>
  );
}
