"use client";

import { createContext, useCallback, useContext, useState, type ReactNode } from "react";

type Toast = { id: number; message: string };
const ToastContext = createContext<(message: string) => void>(() => {});

/** Says that an action completed, for a few seconds, to screen readers too. */
export function useToast() {
  return useContext(ToastContext);
}

let next = 0;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const show = useCallback((message: string) => {
    const id = ++next;
    setToasts((t) => [...t, { id, message }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 4000);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex flex-col items-center gap-2 px-4">
        {toasts.map((t) => (
          <p key={t.id} data-testid="toast" className="pointer-events-auto max-w-md rounded-md bg-slate-900 px-4 py-2 text-sm text-white shadow-lg">
            {t.message}
          </p>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
