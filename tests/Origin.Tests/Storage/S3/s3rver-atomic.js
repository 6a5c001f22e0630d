'use strict';
// Starts s3rver through its Node API with the writes and reads of one key made atomic, as S3's are.
// s3rver 3.7 rewrites an object's file in place, so a GET running beside a PUT or a copy onto the same key
// can return a mix of the old and the new object (or a torn ETag). S3 never shows a partial object, and the
// storage driver suite asserts exactly that, so each key gets a readers-writer lock here: a GET holds it
// shared until its body is sent, a PUT, copy or delete holds it alone; a waiting writer goes first.
//
// usage: node s3rver-atomic.js <s3rver package directory> <data directory> <port> <bucket>
const path = require('path');

const [packageDirectory, directory, port, bucket] = process.argv.slice(2);
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
store.putObject = exclusive(store.putObject, object => [object.bucket, object.key]);
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
