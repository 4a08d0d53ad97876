"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False on the server and while React hydrates the server's HTML, true after.
 * What depends on the reader (language, time zone, the current time) is
 * written in a fixed form first (`SERVER_LOCALE`, UTC), so hydration finds
 * the same text, then in the reader's right after.
 */
export function useInBrowser(): boolean {
  return useSyncExternalStore(subscribe, () => true, () => false);
}

/** The language pages are first written in, before the browser's is known. */
export const SERVER_LOCALE = "en-US";
