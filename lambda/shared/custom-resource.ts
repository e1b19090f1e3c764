/** The custom resource event CloudFormation sends to a Lambda-backed provider (the fields the providers use). */
export interface CustomResourceEvent<P = Record<string, string | undefined>> {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: P;
  /** On Update: the properties of the previous deployment. */
  readonly OldResourceProperties?: P;
}

/** The answer CloudFormation expects at the response URL. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: { [key: string]: string };
}

/** Puts the response to CloudFormation's presigned S3 URL (an empty content type, as the URL was signed). */
export async function sendResponse(url: string, response: CustomResourceResponse): Promise<number> {
  const body = JSON.stringify(response);
  const res = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) } });
  return res.status;
}
