/** Injection tokens of the audit module. */
/** The EventStore port the audit endpoints read and append through. */
export const AUDIT_EVENT_STORE = 'QA_AUDIT_EVENT_STORE';
