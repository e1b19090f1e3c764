/** Object actions of `ISecureDataLake.grantRead`. */
export const LAKE_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'];
/** Object actions of `ISecureDataLake.grantWrite`: put only, never delete. */
export const LAKE_WRITE_ACTIONS = ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'];
