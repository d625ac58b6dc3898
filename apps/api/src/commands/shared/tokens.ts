/** Injection tokens of the commands module. */
/** The EventStore port the command handlers append through. */
export const EVENT_STORE = 'QA_COMMANDS_EVENT_STORE';
/** The RateLimitPolicy in force. */
export const RATE_LIMIT_POLICY = 'QA_RATE_LIMIT_POLICY';
