'use strict';
// Starts s3rver through its Node API with three of its departures from S3 corrected, since the storage
// driver suite asserts S3's behaviour:
// - s3rver answers a PUT (of an object or a part) when its hashing stream ends, before the file is
//   written or even created: a GET, a listing or a multipart completion right after an acknowledged PUT
//   can miss the object or read it short. Here a PUT is answered once its file is complete.
// - s3rver 3.7 rewrites an object's file in place, so a GET running beside a PUT or a copy onto the same
//   key can return a mix of the old and the new object (or a torn ETag). S3 never shows a partial object,
//   so each key gets a readers-writer lock here: a GET holds it shared until its body is sent, a PUT, copy
//   or delete holds it alone; a waiting writer goes first.
// - s3rver lists keys in the order the file system returns directory entries, so a listing cut into pages
//   skips keys. S3 lists in key order; the walk here visits entries in key order.
//
// usage: node s3rver-atomic.js <s3rver package directory> <data directory> <port> <bucket>
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Readable, Transform, pipeline } = require('stream');

const [packageDirectory, directory, port, bucket] = process.argv.slice(2);

// Before the store is loaded: it takes walk from utils when it loads.
const utils = require(path.join(packageDirectory, 'lib', 'utils'));
// Null for an entry deleted since the directory was read: it is skipped, as s3rver skips vanished keys.
const isDirectory = filePath => {
  try {
    return fs.statSync(filePath).isDirectory();
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
};
utils.walk = function* walk(dir, recurseFilter) {
  const entries = [];
  for (const name of fs.readdirSync(dir)) {
    const filePath = path.posix.join(dir, name);
    const directory = isDirectory(filePath);
    if (directory !== null) {
      // A directory's keys continue with '/'; a file's key is its name without s3rver's suffix.
      entries.push({ filePath, directory, order: directory ? `${name}/` : name.replace(/\._S3rver_.*$/, '') });
    }
  }
  entries.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  for (const { filePath, directory } of entries) {
    if (!directory) {
      yield filePath;
    } else if (!recurseFilter || recurseFilter(filePath)) {
      try {
        yield* walk(filePath, recurseFilter);
      } catch (err) {
        if (err.code !== 'ENOENT') throw err;
      }
    }
  }
};

const S3rver = require(packageDirectory);
const FilesystemStore = require(path.join(packageDirectory, 'lib', 'stores', 'filesystem'));

class KeyLock {
  constructor() {
    this.readers = 0;
    this.writing = false;
    this.waiting = [];
  }

  acquire(write) {
    return new Promise(resolve => {
      this.waiting.push({ write, resolve });
      this.pump();
    });
  }

  release(write) {
    if (write) {
      this.writing = false;
    } else {
      this.readers--;
    }
    this.pump();
  }

  pump() {
    while (this.waiting.length > 0) {
      const next = this.waiting[0];
      if (next.write) {
        if (this.writing || this.readers > 0) return;
        this.writing = true;
        this.waiting.shift();
        next.resolve();
        return;
      }
      if (this.writing) return;
      this.readers++;
      this.waiting.shift();
      next.resolve();
    }
  }
}

const locks = new Map();
const lockOf = (bucketName, key) => {
  const id = `${bucketName}/${key}`;
  let lock = locks.get(id);
  if (!lock) {
    lock = new KeyLock();
    locks.set(id, lock);
  }
  return lock;
};

const exclusive = (original, keyOf) =>
  async function (...args) {
    const lock = lockOf(...keyOf(...args));
    await lock.acquire(true);
    try {
      return await original.apply(this, args);
    } finally {
      lock.release(true);
    }
  };

const store = FilesystemStore.prototype;
const getObject = store.getObject;
store.getObject = async function (bucketName, key, options) {
  const lock = lockOf(bucketName, key);
  await lock.acquire(false);
  let object;
  try {
    object = await getObject.call(this, bucketName, key, options);
  } catch (err) {
    lock.release(false);
    throw err;
  }
  if (object && object.content && typeof object.content.once === 'function') {
    let released = false;
    const done = () => {
      if (!released) {
        released = true;
        lock.release(false);
      }
    };
    object.content.once('close', done);
    object.content.once('end', done);
    object.content.once('error', done);
  } else {
    lock.release(false);
  }
  return object;
};
// Writes the content to the file and resolves with its size and MD5 once the file is complete.
const writeHashed = (content, filePath) =>
  new Promise((resolve, reject) => {
    const md5 = crypto.createHash('md5');
    let size = 0;
    const hashing = new Transform({
      transform(chunk, encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    pipeline(source, hashing, fs.createWriteStream(filePath), err =>
      err ? reject(err) : resolve([size, md5.digest('hex')]),
    );
  });

store.putObject = exclusive(async function (object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
  const [size, md5] = await writeHashed(object.content, objectPath);
  await this.putMetadata(object.bucket, object.key, object.metadata, md5);
  return { size, md5 };
}, object => [object.bucket, object.key]);
store.putPart = async function (bucketName, uploadId, partNumber, content) {
  const partPath = path.join(this.getResourcePath(bucketName, undefined, 'uploads'), uploadId, partNumber.toString());
  await fs.promises.mkdir(path.dirname(partPath), { recursive: true });
  const [size, md5] = await writeHashed(content, partPath);
  await fs.promises.writeFile(`${partPath}.md5`, md5);
  return { size, md5 };
};
store.copyObject = exclusive(store.copyObject, (srcBucket, srcKey, destBucket, destKey) => [destBucket, destKey]);
store.deleteObject = exclusive(store.deleteObject, (bucketName, key) => [bucketName, key]);

new S3rver({
  port: Number(port),
  address: '127.0.0.1',
  directory,
  silent: true,
  configureBuckets: [{ name: bucket }],
})
  .run()
  .then(address => console.log(`S3rver listening on ${address.address}:${address.port}`))
  .catch(err => {
    console.error(err.code === 'EADDRINUSE' ? `EADDRINUSE ${err.message}` : err);
    process.exit(1);
  });
