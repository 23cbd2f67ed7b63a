/** Captures the AWS SDK error a call fails with; fails the test if the call succeeds. */
export interface CapturedError {
  name: string;
  message: string;
  status?: number;
}

export async function errorOf(p: Promise<unknown>): Promise<CapturedError> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
