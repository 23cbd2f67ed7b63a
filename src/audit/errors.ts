/** Why a request's audit record could not be made durable; the API layer answers KMSInternalException. */
export class AuditUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
