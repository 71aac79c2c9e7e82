import { createHash } from "node:crypto";

/** A plain mailbox address; SNS rejects anything else only at deploy time, so check it here. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Logical name of one e-mail subscription. It carries a short hash of the address, not its position in
 * the list, so removing or reordering an address never re-creates the others (each re-creation sends a
 * new confirmation mail and drops alerts until someone clicks it).
 */
export function alertSubscriptionName(name: string, email: string): string {
  const digest = createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 10);
  return `${name}-email-${digest}`;
}

/** Checks the alert addresses: at least one, well formed, no duplicates (case-insensitive). */
export function validateAlertEmails(emails: readonly string[]): string[] {
  if (emails.length === 0) {
    throw new Error("alertEmails is empty: add at least one address under platform:alertEmails, or alarms reach no one.");
  }
  const seen = new Set<string>();
  return emails.map((raw) => {
    const email = raw.trim();
    if (!EMAIL.test(email)) throw new Error(`alertEmails entry "${raw}" is not an e-mail address (name@example.com).`);
    const key = email.toLowerCase();
    if (seen.has(key)) throw new Error(`alertEmails lists "${email}" twice; remove the duplicate.`);
    seen.add(key);
    return email;
  });
}
