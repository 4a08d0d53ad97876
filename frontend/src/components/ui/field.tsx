import * as Label from "@radix-ui/react-label";
import { cloneElement, isValidElement, type ReactElement, type ReactNode } from "react";

/**
 * A label, its control and the control's error (from Zod or from the API's
 * `details`), wired for screen readers.
 */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactElement<Record<string, unknown>>;
}) {
  const errorId = `${id}-error`;
  const control = isValidElement(children)
    ? cloneElement(children, {
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": error ? errorId : undefined,
      })
    : children;
  return (
    <div className="space-y-1">
      <Label.Root htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </Label.Root>
      {control}
      {hint && !error && <p className="text-xs text-slate-500">{hint}</p>}
      {error && (
        <p id={errorId} role="alert" data-field-error={id} className="text-xs text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
