/* IndexedDB for the phone app: "meta" (token, cursor, profile, rules), "residents" (catchment bundles keyed
   r:<server id> or c:<client id>), "queue" (changes waiting to be pushed, keyed by mutation id). */
(function (root) {
  "use strict";
  var DB_NAME = "countyhealth-sync";
  var STORES = ["meta", "residents", "queue"];

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        var db = req.result;
        db.createObjectStore("meta");
        db.createObjectStore("residents", { keyPath: "key" });
        db.createObjectStore("queue", { keyPath: "id" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function Store(db) { this.db = db; }

  Store.prototype.tx = function (names, mode, work) {
    var db = this.db;
    return new Promise(function (resolve, reject) {
      var t = db.transaction(names, mode);
      var out = work(t);
      t.oncomplete = function () { resolve(out instanceof IDBRequest ? out.result : out); };
      t.onerror = function () { reject(t.error); };
      t.onabort = function () { reject(t.error); };
    });
  };

  Store.prototype.get = function (store, key) {
    return this.tx([store], "readonly", function (t) { return t.objectStore(store).get(key); });
  };

  Store.prototype.all = function (store) {
    return this.tx([store], "readonly", function (t) { return t.objectStore(store).getAll(); });
  };

  Store.prototype.put = function (store, value, key) {
    return this.tx([store], "readwrite", function (t) {
      if (key === undefined) t.objectStore(store).put(value); else t.objectStore(store).put(value, key);
    });
  };

  Store.prototype.putMany = function (store, values) {
    return this.tx([store], "readwrite", function (t) {
      var s = t.objectStore(store);
      values.forEach(function (v) { s.put(v); });
    });
  };

  Store.prototype.remove = function (store, key) {
    return this.tx([store], "readwrite", function (t) { t.objectStore(store).delete(key); });
  };

  // Logout and revocation: nothing of the catchment stays on the phone.
  Store.prototype.wipe = function () {
    return this.tx(STORES, "readwrite", function (t) {
      STORES.forEach(function (name) { t.objectStore(name).clear(); });
    });
  };

  root.SyncStore = { open: function () { return open().then(function (db) { return new Store(db); }); } };
})(globalThis);
