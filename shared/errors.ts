// Every failure that crosses the contract carries one of these codes, whatever the transport.
// The renderer translates by code; the English message is for logs, scripts and curl users.
export const ErrorCodes = [
  'BAD_JSON', // body is not valid JSON
  'INVALID_PARAMS', // params do not match the method's schema
  'UNKNOWN_METHOD', // no such method in the contract
  'UNAUTHENTICATED', // no session token sent, or the token is unknown
  'SESSION_EXPIRED', // the token was valid but its session has ended
  'LOGIN_FAILED', // wrong user name or password (never says which)
  'LOGIN_THROTTLED', // too many wrong passwords in a row for this user name
  'FORBIDDEN', // the user's role may not call this method
  'NOT_FOUND', // no such HTTP route
  'METHOD_NOT_ALLOWED', // HTTP verb other than POST on /api
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE', // an API call whose body is not sent as application/json
  'CONFLICT', // someone changed the record since it was read (row version); issues say who and what
  'REFUSED', // valid request refused by a business rule (delete with content, a cycle in the tree …); the message says why
  'UNAVAILABLE', // server cannot be reached (client side only)
  'INTERNAL', // a bug: logged on the server, never with details to the client
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export const httpStatusOf: Record<ErrorCode, number> = {
  BAD_JSON: 400,
  INVALID_PARAMS: 400,
  UNKNOWN_METHOD: 404,
  UNAUTHENTICATED: 401,
  SESSION_EXPIRED: 401,
  LOGIN_FAILED: 401,
  LOGIN_THROTTLED: 429,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CONFLICT: 409,
  REFUSED: 422,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export interface ErrorIssue {
  path: string;
  message: string;
}

/**
 * Why a business rule refused a request or what conflicted, as a code the client translates
 * (`reasons.<code>` in the locales) with its values; the English message stays for logs and curl.
 */
export interface ErrorReason {
  code: string;
  params?: Record<string, string | number>;
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    issues?: ErrorIssue[];
    retryAfterSeconds?: number;
    reason?: ErrorReason;
  };
}

export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly issues?: ErrorIssue[];
  readonly retryAfterSeconds?: number;
  readonly reason?: ErrorReason;

  constructor(
    code: ErrorCode,
    message: string,
    extra: { issues?: ErrorIssue[]; retryAfterSeconds?: number; reason?: ErrorReason } = {},
  ) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.issues = extra.issues;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.reason = extra.reason;
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.issues) error.issues = this.issues;
    if (this.retryAfterSeconds !== undefined) error.retryAfterSeconds = this.retryAfterSeconds;
    if (this.reason) error.reason = this.reason;
    return { error };
  }

  static fromBody(body: unknown): ServiceError | null {
    if (!body || typeof body !== 'object' || !('error' in body)) return null;
    const e = (body as ErrorBody).error;
    if (!e || typeof e.code !== 'string' || !(ErrorCodes as readonly string[]).includes(e.code)) return null;
    return new ServiceError(e.code, String(e.message ?? e.code), {
      issues: e.issues,
      retryAfterSeconds: e.retryAfterSeconds,
      reason: e.reason && typeof e.reason.code === 'string' ? e.reason : undefined,
    });
  }
}
