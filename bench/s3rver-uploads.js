'use strict';
// bench/s3.sh's s3rver: the tests' s3rver-atomic.js (same arguments) plus the two multipart listings s3rver 3.7.1
// answers with 501 NotImplemented and Debian's docker-registry (distribution 2.8, s3-aws driver) calls whenever it
// resumes an upload, that is on every PATCH and on the closing PUT:
// - ListMultipartUploads (GET /<bucket>?uploads&prefix=<key>): the uploads in progress whose key starts with the
//   prefix, from s3rver's own upload directories (each holds a file "key");
// - ListParts (GET /<bucket>/<key>?uploadId=<id>): the parts written so far, with their sizes and MD5 ETags.
// Both answer in one page (IsTruncated false); the bench's uploads have at most a few hundred parts.
// The origin's S3 driver calls neither. UploadPartCopy, also missing, is avoided by docker-registry's
// multipartcopythresholdsize (one CopyObject up to 5 GiB, as the origin does).
//
// usage: node s3rver-uploads.js <s3rver package directory> <data directory> <port> <bucket> <s3rver-atomic.js>
const fs = require('fs');
const path = require('path');

const [packageDirectory, directory, , , shim] = process.argv.slice(2);
const router = require(path.join(packageDirectory, 'lib', 'routes'));

const uploadsDirectory = bucket => path.join(directory, bucket, '._S3rver_uploads');

const listUploads = async ctx => {
  const bucket = ctx.params.bucket;
  const prefix = ctx.query.prefix || '';
  const root = uploadsDirectory(bucket);
  const uploads = [];
  let ids = [];
  try {
    ids = await fs.promises.readdir(root);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  for (const id of ids) {
    let key;
    let stat;
    try {
      key = (await fs.promises.readFile(path.join(root, id, 'key'))).toString();
      stat = await fs.promises.stat(path.join(root, id, 'key'));
    } catch (err) {
      if (err.code === 'ENOENT') continue; // completed meanwhile
      throw err;
    }
    if (key.startsWith(prefix)) {
      uploads.push({ Key: key, UploadId: id, Initiated: stat.mtime.toISOString(), StorageClass: 'STANDARD' });
    }
  }
  uploads.sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
  ctx.body = {
    ListMultipartUploadsResult: {
      Bucket: bucket,
      KeyMarker: '',
      UploadIdMarker: '',
      Prefix: prefix,
      MaxUploads: 1000,
      IsTruncated: 'false',
      ...(uploads.length > 0 ? { Upload: uploads } : {}),
    },
  };
};

const listParts = async ctx => {
  const bucket = ctx.params.bucket;
  const uploadId = ctx.query.uploadId;
  const dir = path.join(uploadsDirectory(bucket), uploadId);
  let names;
  try {
    names = await fs.promises.readdir(dir);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    ctx.status = 404;
    ctx.body = { Error: { Code: 'NoSuchUpload', Message: 'The specified upload does not exist.', UploadId: uploadId } };
    return;
  }
  const parts = [];
  for (const name of names.filter(n => /^[0-9]+$/.test(n)).sort((a, b) => Number(a) - Number(b))) {
    const file = path.join(dir, name);
    let stat;
    let md5;
    try {
      stat = await fs.promises.stat(file);
      md5 = (await fs.promises.readFile(`${file}.md5`)).toString();
    } catch (err) {
      if (err.code === 'ENOENT') continue; // a part still being written has no .md5 yet
      throw err;
    }
    parts.push({ PartNumber: Number(name), LastModified: stat.mtime.toISOString(), ETag: JSON.stringify(md5), Size: stat.size });
  }
  ctx.body = {
    ListPartsResult: {
      Bucket: bucket,
      Key: ctx.params.key,
      UploadId: uploadId,
      PartNumberMarker: 0,
      MaxParts: 10000,
      IsTruncated: 'false',
      StorageClass: 'STANDARD',
      ...(parts.length > 0 ? { Part: parts } : {}),
    },
  };
};

// Wraps the last handler of the GET route on <routePath>: <queryMethod> goes to <handler>, the rest as before.
const extend = (routePath, queryMethod, handler) => {
  const layer = router.stack.find(l => l.path === routePath && l.methods.includes('GET'));
  if (!layer) throw new Error(`s3rver-uploads: no GET route ${routePath}`);
  const original = layer.stack[layer.stack.length - 1];
  layer.stack[layer.stack.length - 1] = function (ctx, next) {
    return ctx.params.queryMethod === queryMethod ? handler(ctx, next) : original.call(this, ctx, next);
  };
};
extend('/:bucket', 'uploads', listUploads);
extend('/:bucket/:key+', 'uploadId', listParts);

require(path.resolve(shim));
