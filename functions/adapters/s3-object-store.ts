import type { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ObjectStore, PresignedUpload } from '../domain/ports.ts';

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    /** Resolved on use: only functions that touch objects are configured with the bucket. */
    private readonly bucketName: () => string,
  ) {}

  private get bucket(): string {
    return this.bucketName();
  }

  async presignPut(key: string, contentType: string, expiresInSeconds: number): Promise<PresignedUpload> {
    const url = await getSignedUrl(this.s3, new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }), {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(['content-type']),
    });
    return { url, method: 'PUT', headers: { 'Content-Type': contentType }, expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString() };
  }

  presignGet(key: string, expiresInSeconds: number, downloadName?: string): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(downloadName ? { ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(downloadName)}` } : {}),
      }),
      { expiresIn: expiresInSeconds },
    );
  }

  async head(key: string) {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { sizeBytes: head.ContentLength ?? 0, ...(head.LastModified ? { lastModified: head.LastModified.toISOString() } : {}) };
    } catch (error) {
      if (error instanceof NotFound || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  async read(key: string): Promise<Readable> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return object.Body as Readable;
  }

  async readBytes(key: string): Promise<Buffer> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  async write(key: string, body: Buffer | string, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async copyPrefix(fromPrefix: string, toPrefix: string): Promise<number> {
    let copied = 0;
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: fromPrefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        await this.s3.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: `${toPrefix}${object.Key.slice(fromPrefix.length)}`,
            CopySource: `${this.bucket}/${object.Key.split('/').map(encodeURIComponent).join('/')}`,
          }),
        );
        copied += 1;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return copied;
  }

  async listPrefix(prefix: string, limit: number): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      // Whole pages (no MaxKeys), cut to the limit here: the local emulator (s3rver) fails on a page cut short by MaxKeys.
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token && keys.length < limit);
    return keys.slice(0, limit);
  }

  /** A page of keys (at most 1,000, DeleteObjects' limit) per request. */
  async deletePrefix(prefix: string): Promise<number> {
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (keys.length) {
        const answer = await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }));
        if (answer.Errors?.length) throw new Error(`Could not delete ${answer.Errors.length} objects under ${prefix}: ${answer.Errors[0]!.Code} ${answer.Errors[0]!.Message}`);
        deleted += keys.length;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }
}
