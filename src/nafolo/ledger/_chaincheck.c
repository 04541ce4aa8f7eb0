/*
 * Compiled ledger hot paths: the verifier (the loop of nafolo.ledger.chain.verify) and, at the
 * end of this file, the append path on SQLite (`Writer`, `chain_hashes`, `utc_texts`,
 * `attributes_texts`: nafolo.ledger.journal, canonical and drafts keep the Python reference).
 *
 * The canonical text of an entry (format `nafolo-ledger-v1`) is specified in docs/ledger.md and
 * implemented in src/nafolo/ledger/canonical.py: 16 fields joined by U+001F (the format name,
 * seq, entry_id, commodity, quantity, from_account, to_account, kind, recorded_at, effective_at,
 * actor, document_ref, idempotency_key, attributes, corrects, prev_hash), UTF-8; the quantity is
 * quantity_minor with `scale` decimals (table `commodities`). Its hash is the lower-case hex
 * SHA-256 of those bytes.
 *
 * This module reproduces, entry for entry, what the pure-Python verifier in chain.py checks and
 * reports (it stays the reference): seq contiguity, prev link, hash and separator count, and the
 * per-(account, commodity) sums of the journal. Quantities are formatted exactly as chain.py's SQL
 * formats them on each engine (SQLite printf, PostgreSQL text concatenation), so that even
 * out-of-range stored values give the same verdict.
 *
 * Two drivers feed one core:
 *   - `verify_sqlite(path, progress, batch)` opens the database file read-only on the system
 *     libsqlite3 (the library Python's sqlite3 uses) and reads everything in one transaction;
 *   - `Checker(scales, progress, total, batch)` parses PostgreSQL text-format COPY output
 *     incrementally (rows may span blocks): `.copy_from(pgconn_ptr, sql)` runs the COPY on
 *     psycopg's own libpq connection inside chain.py's snapshot, `.feed(block)` takes blocks read
 *     by psycopg; `.finish()` returns the outcome.
 * Both return a dict: checked, last_hash, problem (None or (kind, seq, detail)), sums (None when a
 * row had a NULL or non-integer balance field: chain.py then recomputes the balances in SQL).
 * The GIL is released while rows are read and checked, and taken back for progress calls.
 */
#define _GNU_SOURCE
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <sqlite3.h>

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define FORMAT_NAME "nafolo-ledger-v1"
#define SEPARATOR '\x1f'
#define SEPARATORS 15
#define HASH_HEX 64
#define MAX_SCALE 18

enum column {
    C_SEQ, C_ENTRY_ID, C_COMMODITY, C_QUANTITY, C_FROM, C_TO, C_KIND, C_RECORDED_AT,
    C_EFFECTIVE_AT, C_ACTOR, C_DOCUMENT_REF, C_IDEMPOTENCY_KEY, C_ATTRIBUTES, C_CORRECTS,
    C_PREV_HASH, C_HASH, COLUMNS
};

static const char GENESIS[HASH_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static PyObject *UnsupportedError;

/* ---- growable byte buffer ------------------------------------------------------------------ */

typedef struct {
    char *data;
    size_t len, cap;
} buffer;

static int buffer_reserve(buffer *b, size_t extra) {
    if (b->len + extra <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + extra) cap *= 2;
    char *data = realloc(b->data, cap);
    if (data == NULL) return -1;
    b->data = data;
    b->cap = cap;
    return 0;
}

static inline int buffer_append(buffer *b, const char *data, size_t len) {
    if (buffer_reserve(b, len) < 0) return -1;
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

static inline int buffer_byte(buffer *b, char c) {
    if (b->len == b->cap && buffer_reserve(b, 1) < 0) return -1;
    b->data[b->len++] = c;
    return 0;
}

/* ---- balances: (account, commodity) -> 128-bit sum, open addressing ------------------------ */

typedef struct {
    char *key; /* account bytes then commodity bytes */
    size_t account_len, key_len;
    uint64_t hash;
    __int128 sum;
} balance_slot;

typedef struct {
    balance_slot *slots;
    size_t count, cap; /* cap is a power of two */
} balance_table;

static uint64_t hash_key(const char *account, size_t alen, const char *commodity, size_t clen) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < alen; i++) h = (h ^ (unsigned char)account[i]) * 1099511628211ULL;
    h = (h ^ 0xffu) * 1099511628211ULL;
    for (size_t i = 0; i < clen; i++) h = (h ^ (unsigned char)commodity[i]) * 1099511628211ULL;
    return h;
}

static int balance_grow(balance_table *t) {
    size_t cap = t->cap ? t->cap * 2 : 256;
    balance_slot *slots = calloc(cap, sizeof(balance_slot));
    if (slots == NULL) return -1;
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slots[i].key == NULL) continue;
        size_t j = t->slots[i].hash & (cap - 1);
        while (slots[j].key != NULL) j = (j + 1) & (cap - 1);
        slots[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return 0;
}

static int balance_add(balance_table *t, const char *account, size_t alen, const char *commodity,
                       size_t clen, __int128 amount) {
    if ((t->count + 1) * 2 > t->cap && balance_grow(t) < 0) return -1;
    uint64_t h = hash_key(account, alen, commodity, clen);
    size_t j = h & (t->cap - 1);
    for (;;) {
        balance_slot *s = &t->slots[j];
        if (s->key == NULL) break;
        if (s->hash == h && s->account_len == alen && s->key_len == alen + clen &&
            memcmp(s->key, account, alen) == 0 && memcmp(s->key + alen, commodity, clen) == 0) {
            s->sum += amount;
            return 0;
        }
        j = (j + 1) & (t->cap - 1);
    }
    balance_slot *s = &t->slots[j];
    s->key = malloc(alen + clen + 1);
    if (s->key == NULL) return -1;
    memcpy(s->key, account, alen);
    memcpy(s->key + alen, commodity, clen);
    s->account_len = alen;
    s->key_len = alen + clen;
    s->hash = h;
    s->sum = amount;
    t->count++;
    return 0;
}

static void balance_free(balance_table *t) {
    for (size_t i = 0; i < t->cap; i++) free(t->slots[i].key);
    free(t->slots);
    t->slots = NULL;
    t->count = t->cap = 0;
}

static PyObject *int128_to_python(__int128 value) {
    if (value >= INT64_MIN && value <= INT64_MAX) return PyLong_FromLongLong((long long)value);
    unsigned char bytes[16];
    memcpy(bytes, &value, 16); /* x86-64 and aarch64: little-endian */
    return _PyLong_FromByteArray(bytes, 16, 1, 1);
}

static PyObject *balances_to_python(const balance_table *t) {
    PyObject *sums = PyDict_New();
    if (sums == NULL) return NULL;
    for (size_t i = 0; i < t->cap; i++) {
        const balance_slot *s = &t->slots[i];
        if (s->key == NULL) continue;
        PyObject *key = Py_BuildValue("(s#s#)", s->key, (Py_ssize_t)s->account_len,
                                      s->key + s->account_len,
                                      (Py_ssize_t)(s->key_len - s->account_len));
        PyObject *sum = key ? int128_to_python(s->sum) : NULL;
        int failed = sum == NULL || PyDict_SetItem(sums, key, sum) < 0;
        Py_XDECREF(key);
        Py_XDECREF(sum);
        if (failed) {
            Py_DECREF(sums);
            return NULL;
        }
    }
    return sums;
}

/* ---- the core: one stored row at a time ---------------------------------------------------- */

typedef struct {
    const char *ptr; /* NULL: SQL NULL */
    size_t len;
} field;

typedef struct {
    field col[COLUMNS];
    long long seq;
    long long quantity;
    int quantity_is_integer; /* SQLite: typeof(quantity_minor) = 'integer' */
    int untyped_key; /* SQLite: an account or commodity stored as a blob */
} stored_row;

typedef struct {
    char code[64];
    size_t len;
    int scale;
    long long unit;
} commodity_scale;

enum problem_kind { NO_PROBLEM, MISSING, EMPTY_FIELD, BROKEN_LINK, HASH_MISMATCH };
enum engine_kind { SQLITE, POSTGRESQL };

typedef struct {
    enum engine_kind engine;
    commodity_scale *scales;
    size_t scale_count;
    long long expected; /* next seq; expected - 1 entries are good */
    char previous[HASH_HEX];
    enum problem_kind problem;
    long long problem_seq, next_stored_seq;
    char link_tail[HASH_HEX];
    size_t link_tail_len;
    int irregular_balance; /* a NULL or non-integer quantity/account: sums are left to SQL */
    unsigned __int128 magnitude; /* sum of |quantity|: below 2^63 no SQL SUM can overflow */
    balance_table balances;
    buffer canonical;
    long long batch;
} core;

static void core_init(core *c, enum engine_kind engine, long long batch) {
    memset(c, 0, sizeof(*c));
    c->engine = engine;
    c->expected = 1;
    memcpy(c->previous, GENESIS, HASH_HEX);
    c->batch = batch > 0 ? batch : 20000;
}

static void core_free(core *c) {
    free(c->scales);
    c->scales = NULL;
    balance_free(&c->balances);
    free(c->canonical.data);
    c->canonical.data = NULL;
}

/* Adds one commodity's scale; -1 with UnsupportedError set when it cannot be formatted here. */
static int core_add_scale(core *c, const char *code, size_t len, long long scale) {
    if (scale < 0 || scale > MAX_SCALE || len >= sizeof(((commodity_scale *)0)->code)) {
        PyErr_Format(UnsupportedError, "commodity scale %lld or code length %zu out of range",
                     scale, len);
        return -1;
    }
    commodity_scale *scales = realloc(c->scales, (c->scale_count + 1) * sizeof(commodity_scale));
    if (scales == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    c->scales = scales;
    commodity_scale *s = &scales[c->scale_count++];
    memcpy(s->code, code, len);
    s->len = len;
    s->scale = (int)scale;
    s->unit = 1;
    for (int i = 0; i < scale; i++) s->unit *= 10;
    return 0;
}

static const commodity_scale *scale_of(const core *c, const field *commodity) {
    for (size_t i = 0; i < c->scale_count; i++) {
        const commodity_scale *s = &c->scales[i];
        if (s->len == commodity->len && memcmp(s->code, commodity->ptr, s->len) == 0) return s;
    }
    return NULL;
}

static int required_field_is_null(const stored_row *r) {
    for (int i = 0; i < C_HASH; i++) {
        if (i == C_DOCUMENT_REF || i == C_IDEMPOTENCY_KEY || i == C_CORRECTS) continue;
        if (r->col[i].ptr == NULL) return 1;
    }
    return 0;
}

/* Decimal digits of a non-negative number, at least `width` of them (zero-padded). */
static int write_digits(char *out, unsigned long long value, int width) {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (n < width) digits[n++] = '0';
    for (int i = 0; i < n; i++) out[i] = digits[n - 1 - i];
    return n;
}

static int write_integer(char *out, long long value) {
    if (value >= 0) return write_digits(out, (unsigned long long)value, 1);
    return snprintf(out, 24, "%lld", value);
}

/* The quantity as chain.py's SQL writes it on this engine (the same for positive ones). */
static int format_quantity(const core *c, const commodity_scale *s, long long q, char *out,
                           size_t size) {
    if (s->scale == 0) return write_integer(out, q);
    if (q >= 0) {
        int n = write_digits(out, (unsigned long long)(q / s->unit), 1);
        out[n++] = '.';
        return n + write_digits(out + n, (unsigned long long)(q % s->unit), s->scale);
    }
    if (c->engine == SQLITE) /* printf('%d.%0Nd', q / unit, q % unit) */
        return snprintf(out, size, "%lld.%0*lld", q / s->unit, s->scale, q % s->unit);
    /* CAST(q / unit AS TEXT) || '.' || SUBSTR(CAST(unit + q % unit AS TEXT), 2) */
    char fraction[32];
    snprintf(fraction, sizeof(fraction), "%lld", s->unit + q % s->unit);
    return snprintf(out, size, "%lld.%s", q / s->unit, fraction + 1);
}

static int append_field(buffer *b, const field *f) {
    if (buffer_byte(b, SEPARATOR) < 0) return -1;
    return f->ptr == NULL ? 0 : buffer_append(b, f->ptr, f->len);
}

/* Builds the canonical bytes into c->canonical; 1 when they are NULL for chain.py (a required
 * field NULL or the commodity undefined), -1 on memory error. */
static int build_canonical(core *c, const stored_row *r) {
    if (required_field_is_null(r)) return 1;
    const commodity_scale *s = scale_of(c, &r->col[C_COMMODITY]);
    if (s == NULL) return 1;
    buffer *b = &c->canonical;
    b->len = 0;
    char number[64];
    int n = write_integer(number, r->seq);
    if (buffer_append(b, FORMAT_NAME, sizeof(FORMAT_NAME) - 1) < 0 ||
        buffer_byte(b, SEPARATOR) < 0 || buffer_append(b, number, (size_t)n) < 0 ||
        append_field(b, &r->col[C_ENTRY_ID]) < 0 || append_field(b, &r->col[C_COMMODITY]) < 0 ||
        buffer_byte(b, SEPARATOR) < 0)
        return -1;
    if (r->quantity_is_integer) {
        n = format_quantity(c, s, r->quantity, number, sizeof(number));
        if (buffer_append(b, number, (size_t)n) < 0) return -1;
    } else { /* chain.py: '~' and the value as text, which never matches a stored hash */
        if (buffer_byte(b, '~') < 0 ||
            buffer_append(b, r->col[C_QUANTITY].ptr, r->col[C_QUANTITY].len) < 0)
            return -1;
    }
    for (int i = C_FROM; i <= C_PREV_HASH; i++)
        if (append_field(b, &r->col[i]) < 0) return -1;
    return 0;
}

static int links_to_previous(const core *c) {
    const buffer *b = &c->canonical;
    return b->len >= HASH_HEX && memcmp(b->data + b->len - HASH_HEX, c->previous, HASH_HEX) == 0;
}

static size_t count_separators(const buffer *b) {
    size_t count = 0;
    for (const char *p = b->data, *end = b->data + b->len; (p = memchr(p, SEPARATOR, end - p));
         p++)
        count++;
    return count;
}

static inline void hex_digest(const unsigned char *digest, char *out) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
}

static int hash_matches(const core *c, const field *stored) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    char text[HASH_HEX];
    if (stored->ptr == NULL || stored->len != HASH_HEX) return 0;
    SHA256_CTX sha; /* the low-level calls: no provider lookup per entry */
    SHA256_Init(&sha);
    SHA256_Update(&sha, c->canonical.data, c->canonical.len);
    SHA256_Final(digest, &sha);
    hex_digest(digest, text);
    return memcmp(text, stored->ptr, HASH_HEX) == 0 &&
           count_separators(&c->canonical) == SEPARATORS; /* a field holding U+001F */
}

static int add_to_balances(core *c, const stored_row *r) {
    const field *from = &r->col[C_FROM], *to = &r->col[C_TO], *commodity = &r->col[C_COMMODITY];
    if (from->ptr == NULL || to->ptr == NULL || commodity->ptr == NULL ||
        r->col[C_QUANTITY].ptr == NULL || !r->quantity_is_integer || r->untyped_key) {
        c->irregular_balance = 1;
        return 0;
    }
    c->magnitude += r->quantity < 0 ? -(__int128)r->quantity : (__int128)r->quantity;
    if (c->magnitude >= (unsigned __int128)1 << 63) { /* SQLite's SUM would fail: let it say so */
        c->irregular_balance = 1;
        return 0;
    }
    if (balance_add(&c->balances, from->ptr, from->len, commodity->ptr, commodity->len,
                    -(__int128)r->quantity) < 0 ||
        balance_add(&c->balances, to->ptr, to->len, commodity->ptr, commodity->len,
                    (__int128)r->quantity) < 0)
        return -1;
    return 0;
}

static void record_problem(core *c, enum problem_kind kind, long long seq) {
    c->problem = kind;
    c->problem_seq = seq;
}

/* Checks one row in seq order (chain.py `_verify_entries`, same order of checks) and adds it to
 * the balances; after the first problem only the balances go on. -1 on memory error. */
static int check_row(core *c, const stored_row *r) {
    if (!c->irregular_balance && add_to_balances(c, r) < 0) return -1;
    if (c->problem != NO_PROBLEM) return 0;
    if (r->seq != c->expected) {
        record_problem(c, MISSING, c->expected);
        c->next_stored_seq = r->seq;
        return 0;
    }
    int built = build_canonical(c, r);
    if (built < 0) return -1;
    if (built == 1) {
        record_problem(c, EMPTY_FIELD, r->seq);
        return 0;
    }
    if (!links_to_previous(c)) {
        record_problem(c, BROKEN_LINK, r->seq);
        c->link_tail_len = c->canonical.len < HASH_HEX ? c->canonical.len : HASH_HEX;
        memcpy(c->link_tail, c->canonical.data + c->canonical.len - c->link_tail_len,
               c->link_tail_len);
        return 0;
    }
    if (!hash_matches(c, &r->col[C_HASH])) {
        record_problem(c, HASH_MISMATCH, r->seq);
        return 0;
    }
    memcpy(c->previous, r->col[C_HASH].ptr, HASH_HEX);
    c->expected++;
    return 0;
}

static int batch_is_due(const core *c) {
    return c->problem == NO_PROBLEM && c->expected > 1 && (c->expected - 1) % c->batch == 0;
}

/* progress(done, total), with the GIL held; -1 if it raised. */
static int report_progress(const core *c, PyObject *progress, long long total) {
    if (progress == NULL || progress == Py_None) return 0;
    PyObject *result = PyObject_CallFunction(progress, "LL", c->expected - 1, total);
    if (result == NULL) return -1;
    Py_DECREF(result);
    return 0;
}

/* The final progress call chain.py makes after a last, partial batch. */
static int report_last_progress(const core *c, PyObject *progress, long long total) {
    if (c->problem != NO_PROBLEM || c->expected == 1 || (c->expected - 1) % c->batch == 0)
        return 0;
    return report_progress(c, progress, total);
}

static PyObject *core_result(const core *c) {
    PyObject *problem;
    switch (c->problem) {
    case NO_PROBLEM:
        problem = Py_NewRef(Py_None);
        break;
    case MISSING:
        problem = Py_BuildValue("(sLL)", "missing", c->problem_seq, c->next_stored_seq);
        break;
    case EMPTY_FIELD:
        problem = Py_BuildValue("(sLO)", "empty", c->problem_seq, Py_None);
        break;
    case BROKEN_LINK:
        problem = Py_BuildValue("(sLy#)", "link", c->problem_seq, c->link_tail,
                                (Py_ssize_t)c->link_tail_len);
        break;
    default:
        problem = Py_BuildValue("(sLO)", "hash", c->problem_seq, Py_None);
    }
    if (problem == NULL) return NULL;
    PyObject *sums = c->irregular_balance ? Py_NewRef(Py_None) : balances_to_python(&c->balances);
    if (sums == NULL) {
        Py_DECREF(problem);
        return NULL;
    }
    return Py_BuildValue("{s:L,s:s#,s:N,s:N}", "checked", c->expected - 1, "last_hash",
                         c->previous, (Py_ssize_t)HASH_HEX, "problem", problem, "sums", sums);
}

/* ---- SQLite driver ------------------------------------------------------------------------- */

static const char ENTRIES_SQL[] =
    "SELECT seq, entry_id, commodity, quantity_minor, from_account, to_account, kind, recorded_at,"
    " effective_at, actor, document_ref, idempotency_key, attributes, corrects, prev_hash, hash"
    " FROM ledger_entries ORDER BY seq";
static const char ROUTE_TOTALS_SQL[] =
    "SELECT from_account, to_account, commodity, SUM(quantity_minor) FROM ledger_entries"
    " NOT INDEXED GROUP BY from_account, to_account, commodity";

static PyObject *sqlite_error(sqlite3 *db, const char *doing) {
    PyErr_Format(UnsupportedError, "SQLite, %s: %s", doing,
                 db ? sqlite3_errmsg(db) : "out of memory");
    return NULL;
}

static PyObject *sqlite_value(sqlite3_stmt *stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
        return PyLong_FromLongLong(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
        return PyFloat_FromDouble(sqlite3_column_double(stmt, i));
    case SQLITE_TEXT: {
        const char *text = (const char *)sqlite3_column_text(stmt, i);
        return PyUnicode_DecodeUTF8(text, sqlite3_column_bytes(stmt, i), NULL);
    }
    case SQLITE_BLOB:
        return PyBytes_FromStringAndSize(sqlite3_column_blob(stmt, i),
                                         sqlite3_column_bytes(stmt, i));
    default:
        return Py_NewRef(Py_None);
    }
}

/* All rows of a small query as a list of tuples, converted as Python's sqlite3 converts them. */
static PyObject *sqlite_rows(sqlite3 *db, const char *sql) {
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) return sqlite_error(db, sql);
    PyObject *rows = PyList_New(0);
    int columns = sqlite3_column_count(stmt), rc;
    while (rows != NULL && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        PyObject *row = PyTuple_New(columns);
        for (int i = 0; row != NULL && i < columns; i++) {
            PyObject *value = sqlite_value(stmt, i);
            if (value == NULL) Py_CLEAR(row);
            else PyTuple_SET_ITEM(row, i, value);
        }
        if (row == NULL || PyList_Append(rows, row) < 0) Py_CLEAR(rows);
        Py_XDECREF(row);
    }
    if (rows != NULL && rc != SQLITE_DONE) {
        Py_CLEAR(rows);
        sqlite_error(db, sql);
    }
    sqlite3_finalize(stmt);
    return rows;
}

static int load_sqlite_scales(core *c, PyObject *rows) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(rows); i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        PyObject *code = PyTuple_GET_ITEM(row, 0), *scale = PyTuple_GET_ITEM(row, 1);
        if (!PyUnicode_Check(code) || !PyLong_Check(scale)) {
            PyErr_SetString(UnsupportedError,
                            "a commodity code or scale is not stored as text/integer");
            return -1;
        }
        Py_ssize_t len;
        const char *text = PyUnicode_AsUTF8AndSize(code, &len);
        long long value = PyLong_AsLongLong(scale);
        if (text == NULL || (value == -1 && PyErr_Occurred())) return -1;
        if (core_add_scale(c, text, (size_t)len, value) < 0) return -1;
    }
    return 0;
}

static void read_sqlite_row(sqlite3_stmt *stmt, stored_row *r) {
    /* types first: sqlite3_column_text converts the value, and its type with it */
    r->quantity_is_integer = sqlite3_column_type(stmt, C_QUANTITY) == SQLITE_INTEGER;
    int hash_is_text = sqlite3_column_type(stmt, C_HASH) == SQLITE_TEXT;
    r->untyped_key = sqlite3_column_type(stmt, C_FROM) == SQLITE_BLOB ||
                     sqlite3_column_type(stmt, C_TO) == SQLITE_BLOB ||
                     sqlite3_column_type(stmt, C_COMMODITY) == SQLITE_BLOB;
    for (int i = 0; i < COLUMNS; i++) {
        if (i == C_SEQ || (i == C_QUANTITY && r->quantity_is_integer)) {
            r->col[i].ptr = ""; /* used as numbers: no text conversion */
            r->col[i].len = 0;
            continue;
        }
        r->col[i].ptr = (const char *)sqlite3_column_text(stmt, i);
        r->col[i].len = (size_t)sqlite3_column_bytes(stmt, i);
        if (r->col[i].ptr == NULL && sqlite3_column_type(stmt, i) != SQLITE_NULL)
            r->col[i].ptr = ""; /* a zero-length blob: '' for printf, not NULL */
    }
    if (!hash_is_text) r->col[C_HASH].ptr = NULL; /* Python compares str to str */
    r->seq = sqlite3_column_int64(stmt, C_SEQ);
    r->quantity = r->quantity_is_integer ? sqlite3_column_int64(stmt, C_QUANTITY) : 0;
}

/* Streams the entries through the core, without the GIL but for progress calls. */
static int check_sqlite_entries(core *c, sqlite3 *db, PyObject *progress, long long total) {
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, ENTRIES_SQL, -1, &stmt, NULL) != SQLITE_OK) {
        sqlite_error(db, "reading ledger_entries");
        return -1;
    }
    stored_row row;
    int rc, failed = 0;
    PyThreadState *thread = PyEval_SaveThread();
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (sqlite3_column_type(stmt, C_SEQ) != SQLITE_INTEGER) {
            rc = SQLITE_MISMATCH;
            break;
        }
        read_sqlite_row(stmt, &row);
        if (check_row(c, &row) < 0) {
            failed = 1;
            break;
        }
        if (batch_is_due(c)) {
            PyEval_RestoreThread(thread);
            failed = report_progress(c, progress, total) < 0;
            thread = PyEval_SaveThread();
            if (failed) break;
        }
    }
    PyEval_RestoreThread(thread);
    sqlite3_finalize(stmt);
    if (failed) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        return -1;
    }
    if (rc != SQLITE_DONE) {
        sqlite_error(db, "reading ledger_entries");
        return -1;
    }
    return report_last_progress(c, progress, total);
}

static PyObject *verify_sqlite(PyObject *module, PyObject *args) {
    const char *path;
    PyObject *progress;
    long long batch;
    if (!PyArg_ParseTuple(args, "sOL", &path, &progress, &batch)) return NULL;
    sqlite3 *db = NULL;
    core c;
    core_init(&c, SQLITE, batch);
    PyObject *head = NULL, *scales = NULL, *stored = NULL, *routes = NULL, *result = NULL;
    /* one thread uses this connection: no per-call mutex */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        sqlite_error(db, "opening the store read-only");
        goto done;
    }
    sqlite3_busy_timeout(db, 60000);
    sqlite3_exec(db, "PRAGMA mmap_size = 1099511627776", NULL, NULL, NULL); /* no copy per page */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite_error(db, "BEGIN");
        goto done;
    }
    head = sqlite_rows(db, "SELECT seq, hash FROM ledger_head WHERE id = 1");
    if (head == NULL) goto done;
    long long total = 0;
    if (PyList_GET_SIZE(head) == 1 && PyLong_Check(PyTuple_GET_ITEM(PyList_GET_ITEM(head, 0), 0)))
        total = PyLong_AsLongLong(PyTuple_GET_ITEM(PyList_GET_ITEM(head, 0), 0));
    if (PyErr_Occurred()) goto done;
    scales = sqlite_rows(db, "SELECT code, scale FROM commodities");
    if (scales == NULL || load_sqlite_scales(&c, scales) < 0) goto done;
    if (check_sqlite_entries(&c, db, progress, total) < 0) goto done;
    stored = sqlite_rows(db, "SELECT account, commodity, quantity_minor FROM ledger_balances");
    if (stored == NULL) goto done;
    if (c.irregular_balance) {
        routes = sqlite_rows(db, ROUTE_TOTALS_SQL);
        if (routes == NULL) goto done;
    } else {
        routes = Py_NewRef(Py_None);
    }
    result = core_result(&c);
    if (result != NULL &&
        (PyDict_SetItemString(result, "head_rows", head) < 0 ||
         PyDict_SetItemString(result, "scale_rows", scales) < 0 ||
         PyDict_SetItemString(result, "balance_rows", stored) < 0 ||
         PyDict_SetItemString(result, "route_rows", routes) < 0))
        Py_CLEAR(result);
done:
    if (db != NULL) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(db);
    }
    core_free(&c);
    Py_XDECREF(head);
    Py_XDECREF(scales);
    Py_XDECREF(stored);
    Py_XDECREF(routes);
    return result;
}

/* ---- PostgreSQL driver: incremental parser of text-format COPY output ---------------------- */

enum copy_state { IN_FIELD, AFTER_BACKSLASH, IN_OCTAL, IN_HEX };

typedef struct {
    PyObject_HEAD
    core core;
    PyObject *progress;
    long long total;
    buffer row; /* the current row's field bytes, unescaped */
    size_t start[COLUMNS + 1], length[COLUMNS + 1];
    int is_null[COLUMNS + 1];
    int fields; /* fields completed in the current row */
    enum copy_state state;
    int escape_value, escape_digits;
    int progress_due;
} Checker;

static int Checker_init(Checker *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"scales", "progress", "total", "batch", NULL};
    PyObject *scales, *progress;
    long long total, batch;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!OLL", keywords, &PyDict_Type, &scales,
                                     &progress, &total, &batch))
        return -1;
    core_free(&self->core);
    core_init(&self->core, POSTGRESQL, batch);
    PyObject *code, *scale;
    Py_ssize_t position = 0;
    while (PyDict_Next(scales, &position, &code, &scale)) {
        Py_ssize_t len;
        const char *text = PyUnicode_AsUTF8AndSize(code, &len);
        long long value = text ? PyLong_AsLongLong(scale) : -1;
        if (text == NULL || (value == -1 && PyErr_Occurred())) return -1;
        if (core_add_scale(&self->core, text, (size_t)len, value) < 0) return -1;
    }
    Py_XDECREF(self->progress);
    self->progress = Py_NewRef(progress);
    self->total = total;
    return 0;
}

static void Checker_dealloc(Checker *self) {
    core_free(&self->core);
    free(self->row.data);
    Py_XDECREF(self->progress);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Parses a decimal integer as PostgreSQL writes it; 0 if the text is not one. */
static int parse_integer(const char *p, size_t len, long long *out) {
    size_t i = 0;
    int negative = 0;
    if (len && (p[0] == '-' || p[0] == '+')) negative = p[i++] == '-';
    if (i == len || len - i > 19) return 0;
    unsigned long long value = 0;
    for (; i < len; i++) {
        if (p[i] < '0' || p[i] > '9') return 0;
        value = value * 10 + (unsigned)(p[i] - '0');
    }
    if (value > (unsigned long long)INT64_MAX + negative) return 0;
    *out = negative ? (long long)(0 - value) : (long long)value;
    return 1;
}

static int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* One byte of an escape sequence after a backslash (PostgreSQL COPY text format): 1 if `c` was
 * consumed, 0 if it ends the sequence and must be read again as data, -1 on memory error. */
static int unescape(Checker *self, unsigned char c) {
    static const char simple[] = "b\bf\fn\nr\rt\tv\v";
    if (self->state == IN_OCTAL) {
        if (c >= '0' && c <= '7') {
            self->escape_value = self->escape_value * 8 + (c - '0');
            if (++self->escape_digits < 3) return 1;
            self->state = IN_FIELD;
            return buffer_byte(&self->row, (char)self->escape_value) < 0 ? -1 : 1;
        }
        self->state = IN_FIELD;
        return buffer_byte(&self->row, (char)self->escape_value) < 0 ? -1 : 0;
    }
    if (self->state == IN_HEX) {
        int nibble = hex_value(c);
        if (nibble >= 0) {
            self->escape_value = self->escape_value * 16 + nibble;
            if (++self->escape_digits < 2) return 1;
            self->state = IN_FIELD;
            return buffer_byte(&self->row, (char)self->escape_value) < 0 ? -1 : 1;
        }
        self->state = IN_FIELD;
        char out = self->escape_digits ? (char)self->escape_value : 'x';
        return buffer_byte(&self->row, out) < 0 ? -1 : 0;
    }
    self->state = IN_FIELD; /* AFTER_BACKSLASH */
    if (c == 'N') {
        self->is_null[self->fields] = 1;
        return 1;
    }
    if (c >= '0' && c <= '7') {
        self->state = IN_OCTAL;
        self->escape_value = c - '0';
        self->escape_digits = 1;
        return 1;
    }
    if (c == 'x') {
        self->state = IN_HEX;
        self->escape_value = self->escape_digits = 0;
        return 1;
    }
    const char *mapped = c ? strchr(simple, c) : NULL;
    char out = mapped && (mapped - simple) % 2 == 0 ? mapped[1] : (char)c;
    return buffer_byte(&self->row, out) < 0 ? -1 : 1;
}

/* Closes the field being parsed; NULL or an error message (no GIL needed). */
static const char *end_field(Checker *self) {
    if (self->fields >= COLUMNS) return "a COPY row has more fields than ledger_entries columns";
    self->length[self->fields] = self->row.len - self->start[self->fields];
    self->fields++;
    self->start[self->fields] = self->row.len;
    self->is_null[self->fields] = 0;
    return NULL;
}

/* Checks the completed row and starts the next; NULL or an error message (no GIL needed). */
static const char *end_row(Checker *self) {
    if (self->fields != COLUMNS) return "a COPY row has fewer fields than ledger_entries columns";
    stored_row r;
    for (int i = 0; i < COLUMNS; i++) {
        r.col[i].ptr = self->is_null[i] ? NULL : self->row.data + self->start[i];
        r.col[i].len = self->is_null[i] ? 0 : self->length[i];
    }
    if (r.col[C_SEQ].ptr == NULL || !parse_integer(r.col[C_SEQ].ptr, r.col[C_SEQ].len, &r.seq))
        return "a COPY row's seq is not an integer";
    r.quantity = 0;
    r.untyped_key = 0;
    r.quantity_is_integer = r.col[C_QUANTITY].ptr != NULL &&
        parse_integer(r.col[C_QUANTITY].ptr, r.col[C_QUANTITY].len, &r.quantity);
    if (!r.quantity_is_integer && r.col[C_QUANTITY].ptr != NULL)
        return "a COPY row's quantity_minor is not an integer";
    if (check_row(&self->core, &r) < 0) return "out of memory";
    self->fields = 0;
    self->row.len = 0;
    self->start[0] = 0;
    self->is_null[0] = 0;
    return NULL;
}

/* Parses from `p` until `end`, or until just after a row that makes a progress call due; returns
 * where it stopped. No GIL needed; *error is set on failure. */
static const unsigned char *parse_rows(Checker *self, const unsigned char *p,
                                       const unsigned char *end, const char **error) {
    while (p < end) {
        if (self->state != IN_FIELD) {
            int consumed = unescape(self, *p);
            if (consumed < 0) {
                *error = "out of memory";
                return p;
            }
            p += consumed;
            continue;
        }
        const unsigned char *run = p;
        while (p < end && *p != '\\' && *p != '\t' && *p != '\n') p++;
        if (buffer_append(&self->row, (const char *)run, (size_t)(p - run)) < 0) {
            *error = "out of memory";
            return p;
        }
        if (p == end) break;
        unsigned char c = *p++;
        if (c == '\\') {
            self->state = AFTER_BACKSLASH;
            continue;
        }
        if ((*error = end_field(self)) != NULL) return p;
        if (c != '\n') continue;
        if ((*error = end_row(self)) != NULL) return p;
        if (batch_is_due(&self->core)) {
            self->progress_due = 1;
            return p;
        }
    }
    return p;
}

/* Parses and checks a block without the GIL, taking it back for progress calls. 0 or -1. */
static int parse_block(Checker *self, const unsigned char *p, size_t len, PyThreadState **thread,
                       const char **error) {
    const unsigned char *end = p + len;
    while (p < end) {
        p = parse_rows(self, p, end, error);
        if (*error != NULL) return -1;
        if (self->progress_due) {
            self->progress_due = 0;
            PyEval_RestoreThread(*thread);
            int failed = report_progress(&self->core, self->progress, self->total) < 0;
            *thread = PyEval_SaveThread();
            if (failed) return -1;
        }
    }
    return 0;
}

static PyObject *Checker_feed(Checker *self, PyObject *block) {
    Py_buffer view;
    if (PyObject_GetBuffer(block, &view, PyBUF_SIMPLE) < 0) return NULL;
    const char *error = NULL;
    PyThreadState *thread = PyEval_SaveThread();
    int failed = parse_block(self, view.buf, (size_t)view.len, &thread, &error);
    PyEval_RestoreThread(thread);
    PyBuffer_Release(&view);
    if (failed) {
        if (error != NULL && !PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, error);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* ---- the COPY read straight from libpq, on psycopg's own connection ---------------------- */
/* psycopg hands out its PGconn (`pgconn_ptr`) for such use; the functions are looked up in the
 * libpq psycopg loaded (no second copy, no libpq headers needed). */

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
enum { PGRES_COMMAND_OK = 1, PGRES_COPY_OUT = 3 };

static struct {
    int loaded;
    int (*send_query)(PGconn *, const char *);
    int (*flush)(PGconn *);
    int (*socket)(const PGconn *);
    int (*consume_input)(PGconn *);
    PGresult *(*get_result)(PGconn *);
    int (*result_status)(const PGresult *);
    char *(*result_error)(const PGresult *);
    void (*clear)(PGresult *);
    int (*get_copy_data)(PGconn *, char **, int);
    void (*freemem)(void *);
    char *(*error_message)(const PGconn *);
} pq;

static int find_libpq(struct dl_phdr_info *info, size_t size, void *data) {
    const char *name = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
    if (name != NULL && strncmp(name + 1, "libpq", 5) == 0 && strstr(name, ".so") != NULL) {
        char **found = data;
        if (found[0] == NULL) found[0] = (char *)info->dlpi_name;
        else if (strcmp(found[0], info->dlpi_name) != 0) found[1] = (char *)info->dlpi_name;
    }
    return 0;
}

/* Finds psycopg's libpq functions (with the GIL held); a failure is retried on the next call. */
static int load_libpq(void) {
    if (pq.loaded) return 0;
    char *found[2] = {NULL, NULL};
    dl_iterate_phdr(find_libpq, found);
    if (found[0] == NULL || found[1] != NULL) return -1; /* none, or two: which is psycopg's? */
    void *lib = dlopen(found[0], RTLD_NOW | RTLD_NOLOAD);
    if (lib == NULL) return -1;
    *(void **)&pq.send_query = dlsym(lib, "PQsendQuery");
    *(void **)&pq.flush = dlsym(lib, "PQflush");
    *(void **)&pq.socket = dlsym(lib, "PQsocket");
    *(void **)&pq.consume_input = dlsym(lib, "PQconsumeInput");
    *(void **)&pq.get_result = dlsym(lib, "PQgetResult");
    *(void **)&pq.result_status = dlsym(lib, "PQresultStatus");
    *(void **)&pq.result_error = dlsym(lib, "PQresultErrorMessage");
    *(void **)&pq.clear = dlsym(lib, "PQclear");
    *(void **)&pq.get_copy_data = dlsym(lib, "PQgetCopyData");
    *(void **)&pq.freemem = dlsym(lib, "PQfreemem");
    *(void **)&pq.error_message = dlsym(lib, "PQerrorMessage");
    if (!pq.send_query || !pq.flush || !pq.socket || !pq.consume_input || !pq.get_result ||
        !pq.result_status || !pq.result_error || !pq.clear || !pq.get_copy_data || !pq.freemem ||
        !pq.error_message)
        return -1;
    pq.loaded = 1;
    return 0;
}

/* Sends the query, waiting for the socket when the connection is non-blocking (psycopg's are). */
static int send_copy_query(PGconn *conn, const char *sql) {
    if (!pq.send_query(conn, sql)) return -1;
    int flushed;
    while ((flushed = pq.flush(conn)) == 1) {
        struct pollfd fd = {.fd = pq.socket(conn), .events = POLLIN | POLLOUT};
        if (poll(&fd, 1, -1) < 0 && errno != EINTR) return -1;
        if ((fd.revents & POLLIN) && !pq.consume_input(conn)) return -1;
    }
    return flushed;
}

/* Ends the COPY: its final result must be COMMAND_OK; copies an error message into `message`. */
static int finish_copy(PGconn *conn, char *message, size_t size) {
    PGresult *result;
    int ok = 1;
    while ((result = pq.get_result(conn)) != NULL) {
        if (pq.result_status(result) != PGRES_COMMAND_OK && ok) {
            snprintf(message, size, "%s", pq.result_error(result));
            ok = 0;
        }
        pq.clear(result);
    }
    return ok ? 0 : -1;
}

static PyObject *Checker_copy_from(Checker *self, PyObject *args) {
    unsigned long long address;
    const char *sql;
    if (!PyArg_ParseTuple(args, "Ks", &address, &sql)) return NULL;
    if (load_libpq() < 0) {
        PyErr_SetString(UnsupportedError, "the libpq psycopg uses is not found in the process");
        return NULL;
    }
    PGconn *conn = (PGconn *)(uintptr_t)address;
    char message[512] = "";
    const char *error = NULL;
    int failed = 0;
    PyThreadState *thread = PyEval_SaveThread();
    if (send_copy_query(conn, sql) < 0) {
        snprintf(message, sizeof(message), "%s", pq.error_message(conn));
        failed = 1;
    } else {
        PGresult *started = pq.get_result(conn);
        int copying = started != NULL && pq.result_status(started) == PGRES_COPY_OUT;
        if (!copying) snprintf(message, sizeof(message), "%s",
                               started ? pq.result_error(started) : pq.error_message(conn));
        if (started != NULL) pq.clear(started);
        char *data;
        int len;
        while (copying && (len = pq.get_copy_data(conn, &data, 0)) > 0) {
            if (!failed) failed = parse_block(self, (unsigned char *)data, (size_t)len, &thread,
                                              &error) < 0; /* after a failure: drain the COPY */
            pq.freemem(data);
        }
        if (copying && len == -2) {
            snprintf(message, sizeof(message), "%s", pq.error_message(conn));
            failed = 1;
        }
        if (finish_copy(conn, message, sizeof(message)) < 0 || !copying) failed = 1;
    }
    PyEval_RestoreThread(thread);
    if (!failed) Py_RETURN_NONE;
    if (PyErr_Occurred()) return NULL; /* raised by the progress callback */
    if (error != NULL) PyErr_SetString(PyExc_ValueError, error);
    else PyErr_Format(PyExc_RuntimeError, "COPY of ledger_entries failed: %s", message);
    return NULL;
}

static PyObject *Checker_finish(Checker *self, PyObject *Py_UNUSED(ignored)) {
    if (self->fields != 0 || self->row.len != 0 || self->state != IN_FIELD) {
        PyErr_SetString(PyExc_ValueError, "the COPY data ends inside a row");
        return NULL;
    }
    if (report_last_progress(&self->core, self->progress, self->total) < 0) return NULL;
    return core_result(&self->core);
}

static PyMethodDef Checker_methods[] = {
    {"feed", (PyCFunction)Checker_feed, METH_O,
     "Parse and check a block of text-format COPY output (rows may span blocks)."},
    {"copy_from", (PyCFunction)Checker_copy_from, METH_VARARGS,
     "copy_from(pgconn_ptr, sql): run the COPY on psycopg's PGconn and check every row read "
     "(without the GIL); raises UnsupportedError when psycopg's libpq cannot be found."},
    {"finish", (PyCFunction)Checker_finish, METH_NOARGS,
     "The outcome once every block is fed: checked, last_hash, problem, sums."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CheckerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "nafolo.ledger._chaincheck.Checker",
    .tp_basicsize = sizeof(Checker),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Checker(scales, progress, total, batch): checks PostgreSQL COPY output of "
              "ledger_entries (16 columns, seq order) fed block by block.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Checker_init,
    .tp_dealloc = (destructor)Checker_dealloc,
    .tp_methods = Checker_methods,
};

/* ---- chaining on append --------------------------------------------------------------------- */

/* Chains `text` (an entry's canonical fields, each followed by the separator) onto the previous
 * hash in `chained`, which becomes the entry's hash. */
static int chain_text(buffer *text, char chained[HASH_HEX]) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    if (buffer_append(text, chained, HASH_HEX) < 0) return -1;
    SHA256_CTX sha;
    SHA256_Init(&sha);
    SHA256_Update(&sha, text->data, text->len);
    SHA256_Final(digest, &sha);
    hex_digest(digest, chained);
    return 0;
}

/* chain_hashes(fields, count, previous): the hashes of `count` new entries chained onto
 * `previous`. `fields` holds every canonical field but the previous hash, in canonical order,
 * each a str (the same in every entry) or a list or tuple of `count` str. Entry i's hash is the
 * SHA-256 of its fields and the previous hash joined by U+001F, UTF-8, as in canonical.py. */
static PyObject *chain_hashes(PyObject *module, PyObject *args) {
    PyObject *fields, *previous;
    Py_ssize_t count;
    if (!PyArg_ParseTuple(args, "O!nU", &PyTuple_Type, &fields, &count, &previous)) return NULL;
    Py_ssize_t width = PyTuple_GET_SIZE(fields);
    if (count < 0 || width != SEPARATORS) {
        PyErr_Format(PyExc_ValueError, "chain_hashes: %d fields and a count >= 0 expected",
                     SEPARATORS);
        return NULL;
    }
    PyObject **columns[SEPARATORS];
    for (Py_ssize_t f = 0; f < width; f++) {
        PyObject *column = PyTuple_GET_ITEM(fields, f);
        if (PyUnicode_Check(column)) {
            columns[f] = NULL;
        } else if ((PyList_Check(column) || PyTuple_Check(column)) &&
                   PySequence_Fast_GET_SIZE(column) == count) {
            columns[f] = PySequence_Fast_ITEMS(column);
        } else {
            PyErr_Format(PyExc_TypeError,
                         "chain_hashes: field %zd must be a str or a list of %zd str", f, count);
            return NULL;
        }
    }
    Py_ssize_t previous_len;
    const char *previous_text = PyUnicode_AsUTF8AndSize(previous, &previous_len);
    if (previous_text == NULL) return NULL;
    if (previous_len != HASH_HEX) {
        PyErr_SetString(PyExc_ValueError, "chain_hashes: the previous hash must be 64 hex digits");
        return NULL;
    }
    char chained[HASH_HEX];
    memcpy(chained, previous_text, HASH_HEX);
    PyObject *hashes = PyList_New(count);
    if (hashes == NULL) return NULL;
    buffer text = {NULL, 0, 0};
    for (Py_ssize_t i = 0; i < count; i++) {
        text.len = 0;
        for (Py_ssize_t f = 0; f < width; f++) {
            PyObject *item = columns[f] ? columns[f][i] : PyTuple_GET_ITEM(fields, f);
            if (!PyUnicode_Check(item)) {
                PyErr_Format(PyExc_TypeError, "chain_hashes: field %zd of entry %zd is not a str",
                             f, i);
                goto fail;
            }
            Py_ssize_t len;
            const char *utf8 = PyUnicode_AsUTF8AndSize(item, &len);
            if (utf8 == NULL || buffer_append(&text, utf8, (size_t)len) < 0 ||
                buffer_byte(&text, SEPARATOR) < 0)
                goto fail_memory;
        }
        if (chain_text(&text, chained) < 0) goto fail_memory;
        PyObject *hash = PyUnicode_New(HASH_HEX, 127);
        if (hash == NULL) goto fail;
        memcpy(PyUnicode_DATA(hash), chained, HASH_HEX);
        PyList_SET_ITEM(hashes, i, hash);
    }
    free(text.data);
    return hashes;
fail_memory:
    if (!PyErr_Occurred()) PyErr_NoMemory();
fail:
    free(text.data);
    Py_DECREF(hashes);
    return NULL;
}

/* ---- canonical texts of a batch: timestamps and attributes ----------------------------------- */

/* canonical.format_timestamp of a moment given as its UTC fields. */
static void timestamp_text(char out[27], int year, int month, int day, int hour, int minute,
                           int second, int microsecond) {
    write_digits(out, (unsigned long long)year, 4);
    out[4] = '-';
    write_digits(out + 5, (unsigned long long)month, 2);
    out[7] = '-';
    write_digits(out + 8, (unsigned long long)day, 2);
    out[10] = 'T';
    write_digits(out + 11, (unsigned long long)hour, 2);
    out[13] = ':';
    write_digits(out + 14, (unsigned long long)minute, 2);
    out[16] = ':';
    write_digits(out + 17, (unsigned long long)second, 2);
    out[19] = '.';
    write_digits(out + 20, (unsigned long long)microsecond, 6);
    out[26] = 'Z';
}

/* utc_texts(moments): canonical.format_timestamp of each `datetime` (exactly that type) whose
 * tzinfo is datetime.timezone.utc: 'YYYY-MM-DDTHH:MM:SS.ffffffZ'. */
static PyObject *utc_texts(PyObject *module, PyObject *moments) {
    if (!PyList_Check(moments)) {
        PyErr_SetString(PyExc_TypeError, "utc_texts: a list of datetimes expected");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(moments);
    PyObject *texts = PyList_New(count);
    if (texts == NULL) return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *moment = PyList_GET_ITEM(moments, i);
        if (!PyDateTime_CheckExact(moment) || !_PyDateTime_HAS_TZINFO(moment) ||
            PyDateTime_DATE_GET_TZINFO(moment) != PyDateTime_TimeZone_UTC) {
            PyErr_Format(PyExc_ValueError, "utc_texts: item %zd is not a UTC datetime", i);
            Py_DECREF(texts);
            return NULL;
        }
        char out[27];
        timestamp_text(out, PyDateTime_GET_YEAR(moment), PyDateTime_GET_MONTH(moment),
                       PyDateTime_GET_DAY(moment), PyDateTime_DATE_GET_HOUR(moment),
                       PyDateTime_DATE_GET_MINUTE(moment), PyDateTime_DATE_GET_SECOND(moment),
                       PyDateTime_DATE_GET_MICROSECOND(moment));
        PyObject *text = PyUnicode_New(27, 127);
        if (text == NULL) {
            Py_DECREF(texts);
            return NULL;
        }
        memcpy(PyUnicode_DATA(text), out, 27);
        PyList_SET_ITEM(texts, i, text);
    }
    return texts;
}

/* A JSON string of `text` as json.dumps(..., ensure_ascii=True) writes it. */
static int append_json_string(buffer *b, PyObject *text) {
    static const char hex[] = "0123456789abcdef";
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (buffer_reserve(b, (size_t)len * 12 + 2) < 0) return -1;
    char *out = b->data + b->len;
    *out++ = '"';
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= ' ' && c <= '~' && c != '\\' && c != '"') {
            *out++ = (char)c;
            continue;
        }
        *out++ = '\\';
        switch (c) {
        case '\\': *out++ = '\\'; continue;
        case '"': *out++ = '"'; continue;
        case '\b': *out++ = 'b'; continue;
        case '\f': *out++ = 'f'; continue;
        case '\n': *out++ = 'n'; continue;
        case '\r': *out++ = 'r'; continue;
        case '\t': *out++ = 't'; continue;
        }
        if (c >= 0x10000) { /* a surrogate pair */
            Py_UCS4 v = c - 0x10000;
            Py_UCS4 high = 0xd800 | ((v >> 10) & 0x3ff);
            *out++ = 'u';
            for (int shift = 12; shift >= 0; shift -= 4) *out++ = hex[(high >> shift) & 15];
            *out++ = '\\';
            c = 0xdc00 | (v & 0x3ff);
        }
        *out++ = 'u';
        for (int shift = 12; shift >= 0; shift -= 4) *out++ = hex[(c >> shift) & 15];
    }
    *out++ = '"';
    b->len = (size_t)(out - b->data);
    return 0;
}

/* 1 if a Decimal's text is a finite number (no 'NaN', 'sNaN', 'Infinity'). */
static int finite_decimal_text(const char *text, Py_ssize_t len) {
    for (Py_ssize_t i = 0; i < len; i++)
        if (text[i] == 'N' || text[i] == 'n' || text[i] == 'I') return 0;
    return 1;
}

/* Appends the canonical JSON of one flat attributes dict; 0 when written, 1 when the dict is not
 * flat exact scalars (the caller falls back), -1 on error. */
static int append_attributes(buffer *b, PyObject *attributes, PyObject *decimal_type) {
    enum { MAX_KEYS = 64 };
    PyObject *keys[MAX_KEYS], *values[MAX_KEYS];
    Py_ssize_t size = PyDict_GET_SIZE(attributes), n = 0, position = 0;
    if (size > MAX_KEYS) return 1;
    PyObject *key, *value;
    while (PyDict_Next(attributes, &position, &key, &value)) {
        if (!PyUnicode_CheckExact(key)) return 1;
        Py_ssize_t at = n++;
        while (at > 0) { /* insertion sort by code point, as sort_keys=True orders them */
            int order = PyUnicode_Compare(keys[at - 1], key);
            if (order == -1 && PyErr_Occurred()) return -1;
            if (order <= 0) break;
            keys[at] = keys[at - 1];
            values[at] = values[at - 1];
            at--;
        }
        keys[at] = key;
        values[at] = value;
    }
    if (buffer_byte(b, '{') < 0) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (i && buffer_byte(b, ',') < 0) return -1;
        if (append_json_string(b, keys[i]) < 0 || buffer_byte(b, ':') < 0) return -1;
        PyObject *v = values[i];
        if (v == Py_None) {
            if (buffer_append(b, "null", 4) < 0) return -1;
        } else if (v == Py_True) {
            if (buffer_append(b, "true", 4) < 0) return -1;
        } else if (v == Py_False) {
            if (buffer_append(b, "false", 5) < 0) return -1;
        } else if (PyUnicode_CheckExact(v)) {
            if (append_json_string(b, v) < 0) return -1;
        } else if (PyLong_CheckExact(v) || Py_IS_TYPE(v, (PyTypeObject *)decimal_type)) {
            PyObject *text = PyObject_Str(v);
            if (text == NULL) return -1;
            Py_ssize_t len;
            const char *digits = PyUnicode_AsUTF8AndSize(text, &len);
            int decimal = !PyLong_CheckExact(v), failed = digits == NULL;
            int odd = !failed && decimal && !finite_decimal_text(digits, len);
            if (!failed && !odd)
                failed = (decimal && buffer_byte(b, '"') < 0) ||
                         buffer_append(b, digits, (size_t)len) < 0 ||
                         (decimal && buffer_byte(b, '"') < 0);
            Py_DECREF(text);
            if (failed) return -1;
            if (odd) return 1;
        } else {
            return 1;
        }
    }
    return buffer_byte(b, '}');
}

/* attributes_texts(dicts, Decimal): canonical.attributes_json(plain_attributes(d)) of each
 * dict (exactly dict) of str keys and str, int, bool, None or finite Decimal values (exact
 * types); None as soon as one is anything else (the caller's general path decides). */
static PyObject *attributes_texts(PyObject *module, PyObject *args) {
    PyObject *dicts, *decimal_type;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &dicts, &PyType_Type, &decimal_type))
        return NULL;
    Py_ssize_t count = PyList_GET_SIZE(dicts);
    PyObject *texts = PyList_New(count);
    if (texts == NULL) return NULL;
    buffer b = {NULL, 0, 0};
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *attributes = PyList_GET_ITEM(dicts, i);
        int outcome = 1;
        b.len = 0;
        if (PyDict_CheckExact(attributes)) outcome = append_attributes(&b, attributes, decimal_type);
        if (outcome != 0) {
            free(b.data);
            Py_DECREF(texts);
            if (outcome < 0) {
                if (!PyErr_Occurred()) PyErr_NoMemory();
                return NULL;
            }
            Py_RETURN_NONE;
        }
        PyObject *text = PyUnicode_New((Py_ssize_t)b.len, 127);
        if (text == NULL) {
            free(b.data);
            Py_DECREF(texts);
            return NULL;
        }
        memcpy(PyUnicode_DATA(text), b.data, b.len);
        PyList_SET_ITEM(texts, i, text);
    }
    free(b.data);
    return texts;
}

/* ---- compiled appends on SQLite ------------------------------------------------------------ */

/* Writer(path): a write connection of its own on the SQLite store at `path`, configured as
 * nafolo.store.engine configures the engine's (WAL, synchronous=FULL, foreign keys, busy
 * timeout). `append(...)` writes one batch in one transaction, as journal.Ledger._write_batch
 * does through Python: BEGIN IMMEDIATE, read the head, chain and insert every entry, add the
 * batch's movements to the balances projection, move the head, COMMIT -- without the GIL. */

static PyObject *WriteError;

enum writer_text {
    W_ENTRY_ID, W_COMMODITY, W_QUANTITY, W_FROM, W_TO, W_KIND, W_EFFECTIVE_AT, W_ACTOR,
    W_DOCUMENT_REF, W_IDEMPOTENCY_KEY, W_ATTRIBUTES, W_TEXTS
};

typedef struct {
    const char *ptr[W_TEXTS]; /* NULL: absent (document_ref, idempotency_key) */
    Py_ssize_t len[W_TEXTS];
    long long minor, corrects;
    int has_corrects;
} writer_row;

typedef struct {
    PyObject_HEAD
    sqlite3 *db;
    sqlite3_stmt *begin, *read_head, *insert, *upsert, *move_head, *commit, *rollback;
    pthread_mutex_t busy; /* held by a transaction; close() waits for it */
    int has_mutex;
} Writer;

static const char *const WRITER_SQL[] = {
    "BEGIN IMMEDIATE",
    "SELECT seq, hash FROM ledger_head WHERE id = 1",
    "INSERT INTO ledger_entries (seq, entry_id, commodity, quantity_minor, from_account, "
    "to_account, kind, recorded_at, effective_at, actor, document_ref, idempotency_key, "
    "attributes, corrects, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "INSERT INTO ledger_balances (account, commodity, quantity_minor, last_seq) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (account, commodity) DO UPDATE SET "
    "quantity_minor = ledger_balances.quantity_minor + excluded.quantity_minor, "
    "last_seq = excluded.last_seq",
    "UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1",
    "COMMIT",
    "ROLLBACK",
};

static sqlite3_stmt **writer_statement(Writer *w, int i) {
    sqlite3_stmt **all[] = {&w->begin,     &w->read_head, &w->insert,  &w->upsert,
                            &w->move_head, &w->commit,    &w->rollback};
    return all[i];
}

static void Writer_close_db(Writer *self) {
    for (int i = 0; i < 7; i++) {
        sqlite3_finalize(*writer_statement(self, i));
        *writer_statement(self, i) = NULL;
    }
    if (self->db) sqlite3_close_v2(self->db);
    self->db = NULL;
}

static int Writer_init(Writer *self, PyObject *args, PyObject *kwargs) {
    const char *path;
    if (!PyArg_ParseTuple(args, "s", &path)) return -1;
    if (!self->has_mutex) {
        if (pthread_mutex_init(&self->busy, NULL) != 0) {
            PyErr_SetString(PyExc_OSError, "cannot create the writer's mutex");
            return -1;
        }
        self->has_mutex = 1;
    }
    Writer_close_db(self);
    int rc = sqlite3_open_v2(path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(self->db, 60000);
        rc = sqlite3_exec(self->db,
                          "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                          "PRAGMA foreign_keys = ON",
                          NULL, NULL, NULL);
    }
    for (int i = 0; rc == SQLITE_OK && i < 7; i++)
        rc = sqlite3_prepare_v3(self->db, WRITER_SQL[i], -1, SQLITE_PREPARE_PERSISTENT,
                                writer_statement(self, i), NULL);
    if (rc != SQLITE_OK) {
        PyErr_Format(WriteError, "cannot open %s for appends: %s", path,
                     self->db ? sqlite3_errmsg(self->db) : sqlite3_errstr(rc));
        Writer_close_db(self);
        return -1;
    }
    return 0;
}

static void Writer_dealloc(Writer *self) {
    Writer_close_db(self);
    if (self->has_mutex) pthread_mutex_destroy(&self->busy);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* One column of the batch: a list of `count` items. */
static PyObject **writer_column(PyObject *column, Py_ssize_t count, const char *name) {
    if (!PyList_Check(column) || PyList_GET_SIZE(column) != count) {
        PyErr_Format(PyExc_TypeError, "Writer.append: %s must be a list of %zd items", name, count);
        return NULL;
    }
    return PySequence_Fast_ITEMS(column);
}

static int writer_text(writer_row *row, int field, PyObject *value, int optional, Py_ssize_t i) {
    if (optional && value == Py_None) {
        row->ptr[field] = NULL;
        row->len[field] = 0;
        return 0;
    }
    if (!PyUnicode_Check(value)) {
        PyErr_Format(PyExc_TypeError, "Writer.append: field %d of entry %zd is not a str", field, i);
        return -1;
    }
    row->ptr[field] = PyUnicode_AsUTF8AndSize(value, &row->len[field]);
    return row->ptr[field] == NULL ? -1 : 0;
}

static int add_text(buffer *b, const char *ptr, Py_ssize_t len) {
    return buffer_append(b, ptr ? ptr : "", ptr ? (size_t)len : 0) < 0 ||
                   buffer_byte(b, SEPARATOR) < 0
               ? -1
               : 0;
}

static int bind_text(sqlite3_stmt *stmt, int column, const char *ptr, Py_ssize_t len) {
    return ptr ? sqlite3_bind_text(stmt, column, ptr, (int)len, SQLITE_STATIC)
               : sqlite3_bind_null(stmt, column);
}

static int step_done(sqlite3_stmt *stmt) {
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The transaction: everything from BEGIN IMMEDIATE to COMMIT, without the GIL. Returns an
 * SQLite result code; on success `hashes` holds count x 64 hex digits and `head_*` the head the
 * batch was chained onto. */
static int writer_transaction_locked(Writer *w, const writer_row *rows, Py_ssize_t count,
                              const char *recorded_at, Py_ssize_t recorded_len, char *hashes,
                              long long *head_seq, char head_hash[HASH_HEX], char why[256]) {
    buffer text = {NULL, 0, 0};
    balance_table moved = {NULL, 0, 0};
    char seq_text[24];
    if (w->db == NULL) {
        snprintf(why, 256, "the writer is closed");
        return SQLITE_MISUSE;
    }
    int rc = step_done(w->begin);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(w->read_head);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(w->read_head, 1) == HASH_HEX) {
        *head_seq = sqlite3_column_int64(w->read_head, 0);
        memcpy(head_hash, sqlite3_column_text(w->read_head, 1), HASH_HEX);
        rc = SQLITE_OK;
    } else {
        snprintf(why, 256, "the chain head row is missing or malformed");
        rc = SQLITE_CORRUPT;
    }
    sqlite3_reset(w->read_head);
    char chained[HASH_HEX];
    memcpy(chained, head_hash, HASH_HEX);
    for (Py_ssize_t i = 0; rc == SQLITE_OK && i < count; i++) {
        const writer_row *r = &rows[i];
        long long seq = *head_seq + 1 + i;
        char corrects_text[24];
        int seq_len = write_integer(seq_text, seq);
        int corrects_len = r->has_corrects ? write_integer(corrects_text, r->corrects) : 0;
        text.len = 0;
        if (add_text(&text, FORMAT_NAME, (Py_ssize_t)strlen(FORMAT_NAME)) < 0 ||
            add_text(&text, seq_text, seq_len) < 0 ||
            add_text(&text, r->ptr[W_ENTRY_ID], r->len[W_ENTRY_ID]) < 0 ||
            add_text(&text, r->ptr[W_COMMODITY], r->len[W_COMMODITY]) < 0 ||
            add_text(&text, r->ptr[W_QUANTITY], r->len[W_QUANTITY]) < 0 ||
            add_text(&text, r->ptr[W_FROM], r->len[W_FROM]) < 0 ||
            add_text(&text, r->ptr[W_TO], r->len[W_TO]) < 0 ||
            add_text(&text, r->ptr[W_KIND], r->len[W_KIND]) < 0 ||
            add_text(&text, recorded_at, recorded_len) < 0 ||
            add_text(&text, r->ptr[W_EFFECTIVE_AT], r->len[W_EFFECTIVE_AT]) < 0 ||
            add_text(&text, r->ptr[W_ACTOR], r->len[W_ACTOR]) < 0 ||
            add_text(&text, r->ptr[W_DOCUMENT_REF], r->len[W_DOCUMENT_REF]) < 0 ||
            add_text(&text, r->ptr[W_IDEMPOTENCY_KEY], r->len[W_IDEMPOTENCY_KEY]) < 0 ||
            add_text(&text, r->ptr[W_ATTRIBUTES], r->len[W_ATTRIBUTES]) < 0 ||
            add_text(&text, r->has_corrects ? corrects_text : NULL, corrects_len) < 0 ||
            chain_text(&text, chained) < 0 ||
            balance_add(&moved, r->ptr[W_FROM], (size_t)r->len[W_FROM], r->ptr[W_COMMODITY],
                        (size_t)r->len[W_COMMODITY], -(__int128)r->minor) < 0 ||
            balance_add(&moved, r->ptr[W_TO], (size_t)r->len[W_TO], r->ptr[W_COMMODITY],
                        (size_t)r->len[W_COMMODITY], (__int128)r->minor) < 0) {
            rc = SQLITE_NOMEM;
            break;
        }
        char *hash = hashes + i * HASH_HEX;
        memcpy(hash, chained, HASH_HEX);
        sqlite3_stmt *st = w->insert;
        sqlite3_bind_int64(st, 1, seq);
        sqlite3_bind_text(st, 2, r->ptr[W_ENTRY_ID], (int)r->len[W_ENTRY_ID], SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->ptr[W_COMMODITY], (int)r->len[W_COMMODITY], SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, r->minor);
        sqlite3_bind_text(st, 5, r->ptr[W_FROM], (int)r->len[W_FROM], SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r->ptr[W_TO], (int)r->len[W_TO], SQLITE_STATIC);
        sqlite3_bind_text(st, 7, r->ptr[W_KIND], (int)r->len[W_KIND], SQLITE_STATIC);
        sqlite3_bind_text(st, 8, recorded_at, (int)recorded_len, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, r->ptr[W_EFFECTIVE_AT], (int)r->len[W_EFFECTIVE_AT],
                          SQLITE_STATIC);
        sqlite3_bind_text(st, 10, r->ptr[W_ACTOR], (int)r->len[W_ACTOR], SQLITE_STATIC);
        bind_text(st, 11, r->ptr[W_DOCUMENT_REF], r->len[W_DOCUMENT_REF]);
        bind_text(st, 12, r->ptr[W_IDEMPOTENCY_KEY], r->len[W_IDEMPOTENCY_KEY]);
        sqlite3_bind_text(st, 13, r->ptr[W_ATTRIBUTES], (int)r->len[W_ATTRIBUTES], SQLITE_STATIC);
        if (r->has_corrects)
            sqlite3_bind_int64(st, 14, r->corrects);
        else
            sqlite3_bind_null(st, 14);
        sqlite3_bind_text(st, 15, i ? hash - HASH_HEX : head_hash, HASH_HEX, SQLITE_STATIC);
        sqlite3_bind_text(st, 16, hash, HASH_HEX, SQLITE_STATIC);
        rc = step_done(st);
    }
    long long last_seq = *head_seq + count;
    for (size_t j = 0; rc == SQLITE_OK && j < moved.cap; j++) {
        const balance_slot *b = &moved.slots[j];
        if (b->key == NULL) continue;
        if (b->sum > INT64_MAX || b->sum < INT64_MIN) {
            snprintf(why, 256, "a balance movement is out of the 64-bit range");
            rc = SQLITE_RANGE;
            break;
        }
        sqlite3_bind_text(w->upsert, 1, b->key, (int)b->account_len, SQLITE_STATIC);
        sqlite3_bind_text(w->upsert, 2, b->key + b->account_len, (int)(b->key_len - b->account_len),
                          SQLITE_STATIC);
        sqlite3_bind_int64(w->upsert, 3, (long long)b->sum);
        sqlite3_bind_int64(w->upsert, 4, last_seq);
        rc = step_done(w->upsert);
    }
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(w->move_head, 1, last_seq);
        sqlite3_bind_text(w->move_head, 2, count ? hashes + (count - 1) * HASH_HEX : head_hash,
                          HASH_HEX, SQLITE_STATIC);
        rc = step_done(w->move_head);
    }
    if (rc == SQLITE_OK) rc = step_done(w->commit);
    if (rc != SQLITE_OK) {
        if (why[0] == 0) snprintf(why, 256, "%s", sqlite3_errmsg(w->db));
        if (!sqlite3_get_autocommit(w->db)) step_done(w->rollback);
    }
    sqlite3_clear_bindings(w->insert);
    free(text.data);
    balance_free(&moved);
    return rc;
}

/* writer_transaction_locked under the writer's mutex (close() from another thread waits). */
static int writer_transaction(Writer *w, const writer_row *rows, Py_ssize_t count,
                              const char *recorded_at, Py_ssize_t recorded_len, char *hashes,
                              long long *head_seq, char head_hash[HASH_HEX], char why[256]) {
    pthread_mutex_lock(&w->busy);
    int rc = writer_transaction_locked(w, rows, count, recorded_at, recorded_len, hashes,
                                       head_seq, head_hash, why);
    pthread_mutex_unlock(&w->busy);
    return rc;
}

/* WriteError((sqlite_code, message)) for a transaction that failed and was rolled back. */
static void set_write_error(int rc, const char *why) {
    PyObject *error = Py_BuildValue("(is)", rc, why[0] ? why : sqlite3_errstr(rc));
    if (error) {
        PyErr_SetObject(WriteError, error);
        Py_DECREF(error);
    }
}

/* append(entry_ids, commodity, quantities, minors, from_account, to_account, kind, recorded_at,
 * effective_at, actor, document_ref, idempotency_key, attributes, corrects)
 * -> (head_seq, head_hash, hashes): every argument a list of the batch's values but
 * recorded_at (one str); quantities are the canonical texts, minors the stored integers. */
static PyObject *Writer_append(Writer *self, PyObject *args) {
    PyObject *lists[14];
    if (!PyArg_UnpackTuple(args, "append", 14, 14, &lists[0], &lists[1], &lists[2], &lists[3],
                           &lists[4], &lists[5], &lists[6], &lists[7], &lists[8], &lists[9],
                           &lists[10], &lists[11], &lists[12], &lists[13]))
        return NULL;
    if (self->db == NULL) {
        PyErr_SetString(WriteError, "the writer is closed");
        return NULL;
    }
    static const char *names[] = {"entry_ids", "commodity", "quantities", "minors",
                                  "from_account", "to_account", "kind", "recorded_at",
                                  "effective_at", "actor", "document_ref", "idempotency_key",
                                  "attributes", "corrects"};
    if (!PyList_Check(lists[0])) {
        PyErr_SetString(PyExc_TypeError, "Writer.append: entry_ids must be a list");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(lists[0]);
    PyObject **columns[14];
    for (int c = 0; c < 14; c++) {
        if (c == 7) continue;
        if ((columns[c] = writer_column(lists[c], count, names[c])) == NULL) return NULL;
    }
    Py_ssize_t recorded_len;
    const char *recorded_at = PyUnicode_Check(lists[7])
                                  ? PyUnicode_AsUTF8AndSize(lists[7], &recorded_len)
                                  : NULL;
    if (recorded_at == NULL) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "recorded_at must be a str");
        return NULL;
    }
    static const int text_of[14] = {W_ENTRY_ID, W_COMMODITY, W_QUANTITY, -1, W_FROM, W_TO,
                                    W_KIND, -1, W_EFFECTIVE_AT, W_ACTOR, W_DOCUMENT_REF,
                                    W_IDEMPOTENCY_KEY, W_ATTRIBUTES, -1};
    writer_row *rows = PyMem_Calloc((size_t)(count ? count : 1), sizeof(writer_row));
    char *hashes = PyMem_Malloc((size_t)(count ? count : 1) * HASH_HEX);
    if (rows == NULL || hashes == NULL) {
        PyMem_Free(rows);
        PyMem_Free(hashes);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        writer_row *r = &rows[i];
        for (int c = 0; c < 14; c++) {
            if (text_of[c] >= 0 &&
                writer_text(r, text_of[c], columns[c][i], c == 10 || c == 11, i) < 0)
                goto fail;
        }
        PyObject *minor = columns[3][i], *corrects = columns[13][i];
        if (!PyLong_CheckExact(minor) || (r->minor = PyLong_AsLongLong(minor)) <= 0) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "Writer.append: minors[%zd] must be a positive int",
                             i);
            goto fail;
        }
        if (corrects != Py_None) {
            if (!PyLong_CheckExact(corrects)) {
                PyErr_Format(PyExc_TypeError, "Writer.append: corrects[%zd] must be an int", i);
                goto fail;
            }
            r->corrects = PyLong_AsLongLong(corrects);
            r->has_corrects = 1;
            if (r->corrects == -1 && PyErr_Occurred()) goto fail;
        }
    }
    long long head_seq = 0;
    char head_hash[HASH_HEX];
    char why[256] = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = writer_transaction(self, rows, count, recorded_at, recorded_len, hashes, &head_seq,
                            head_hash, why);
    Py_END_ALLOW_THREADS
    if (rc != SQLITE_OK) {
        set_write_error(rc, why);
        goto fail;
    }
    PyObject *list = PyList_New(count);
    if (list == NULL) goto fail;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *hash = PyUnicode_New(HASH_HEX, 127);
        if (hash == NULL) {
            Py_DECREF(list);
            goto fail;
        }
        memcpy(PyUnicode_DATA(hash), hashes + i * HASH_HEX, HASH_HEX);
        PyList_SET_ITEM(list, i, hash);
    }
    PyMem_Free(rows);
    PyMem_Free(hashes);
    return Py_BuildValue("(Ls#N)", head_seq, head_hash, (Py_ssize_t)HASH_HEX, list);
fail:
    PyMem_Free(rows);
    PyMem_Free(hashes);
    return NULL;
}

/* ---- one draft, checked and written in one call ------------------------------------------- */

/* A random (version 4) UUID in its 36-character text form. */
static int uuid4_text(char out[36]) {
    static const char hex[] = "0123456789abcdef";
    unsigned char random[16];
    if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random) return -1;
    random[6] = (unsigned char)((random[6] & 0x0f) | 0x40);
    random[8] = (unsigned char)((random[8] & 0x3f) | 0x80);
    for (int i = 0, o = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hex[random[i] >> 4];
        out[o++] = hex[random[i] & 15];
    }
    return 0;
}

/* drafts._ok_optional_text for printable text: None, or 1-200 printable characters, not all
 * white space. 0 also when the text is not printable (the Python check decides then). */
static int plain_optional_text(PyObject *value) {
    if (value == Py_None) return 1;
    if (!PyUnicode_CheckExact(value)) return 0;
    Py_ssize_t len = PyUnicode_GET_LENGTH(value);
    if (len < 1 || len > 200) return 0;
    int kind = PyUnicode_KIND(value), blank = 1;
    const void *data = PyUnicode_DATA(value);
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!Py_UNICODE_ISPRINTABLE(c)) return 0;
        if (!Py_UNICODE_ISSPACE(c)) blank = 0;
    }
    return !blank;
}

/* 1 if `value` is an exact str in `known` (a set of values already found well formed). */
static int known_text(PyObject *value, PyObject *known) {
    return PyUnicode_CheckExact(value) && PySet_Contains(known, value) == 1;
}

/* The domain attribute of `definitions[code]`, borrowed from a new reference kept in `keep`. */
static PyObject *domain_of(PyObject *definitions, PyObject *code, PyObject **keep) {
    PyObject *definition = PyDict_GetItemWithError(definitions, code);
    if (definition == NULL) return NULL;
    *keep = PyObject_GetAttrString(definition, "domain");
    return *keep;
}

/* Canonical text and minor units of a positive Decimal written with exactly `scale` decimals
 * (no exponent): 1 when it is, 0 when not (the Python path decides). */
static int exact_quantity(const char *text, Py_ssize_t len, long long scale, long long *minor) {
    Py_ssize_t point = -1;
    unsigned long long value = 0;
    int digits = 0, nonzero = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '.' && point < 0) {
            point = i;
            continue;
        }
        if (c < '0' || c > '9' || ++digits > 18) return 0;
        value = value * 10 + (unsigned long long)(c - '0');
        nonzero |= c != '0';
    }
    Py_ssize_t decimals = point < 0 ? 0 : len - point - 1;
    if (!nonzero || decimals != scale || (point == 0)) return 0;
    *minor = (long long)value;
    return 1;
}

/* append_one(draft, commodities, accounts, known_commodities, known_codes, known_kinds,
 * known_texts, Decimal): drafts._checked_fast + journal._single_prepared + the compiled append
 * of one EntryDraft, in one call. Returns None when the draft is not plainly well formed with every
 * reference cached (the Python path then checks it and names any problem), else
 * (row, recorded_at, scale). Raises WriteError, rolled back, when the database refuses. */
static PyObject *Writer_append_one(Writer *self, PyObject *args) {
    PyObject *draft, *commodities, *accounts, *known_commodities, *known_codes, *known_kinds,
        *known_texts, *decimal_type;
    if (!PyArg_ParseTuple(args, "OO!O!OOOOO", &draft, &PyDict_Type, &commodities, &PyDict_Type,
                          &accounts, &known_commodities, &known_codes, &known_kinds,
                          &known_texts, &decimal_type))
        return NULL;
    if (self->db == NULL) {
        PyErr_SetString(WriteError, "the writer is closed");
        return NULL;
    }
    static const char *const names[] = {"commodity", "quantity", "from_account", "to_account",
                                        "kind", "effective_at", "actor", "document_ref",
                                        "idempotency_key", "attributes"};
    enum { COMMODITY, QUANTITY, FROM, TO, KIND, EFFECTIVE, ACTOR, DOCUMENT, KEY, ATTRIBUTES, N };
    PyObject *value[N] = {NULL}, *keep[6] = {NULL}, *result = NULL;
    buffer attributes = {NULL, 0, 0};
    for (int f = 0; f < N; f++) {
        if ((value[f] = PyObject_GetAttrString(draft, names[f])) == NULL) {
            PyErr_Clear(); /* not a draft: the Python check names what is wrong */
            goto not_plain;
        }
    }
    PyObject *moment = value[EFFECTIVE], *quantity = value[QUANTITY];
    int plain = known_text(value[COMMODITY], known_commodities) &&
                known_text(value[FROM], known_codes) && known_text(value[TO], known_codes) &&
                known_text(value[KIND], known_kinds) && known_text(value[ACTOR], known_texts) &&
                PyUnicode_Compare(value[FROM], value[TO]) != 0 &&
                plain_optional_text(value[DOCUMENT]) && plain_optional_text(value[KEY]) &&
                Py_IS_TYPE(quantity, (PyTypeObject *)decimal_type) &&
                PyDateTime_CheckExact(moment) && _PyDateTime_HAS_TZINFO(moment) &&
                PyDateTime_DATE_GET_TZINFO(moment) == PyDateTime_TimeZone_UTC &&
                PyDateTime_GET_YEAR(moment) >= 1970 && PyDateTime_GET_YEAR(moment) <= 9998 &&
                PyDict_CheckExact(value[ATTRIBUTES]);
    if (PyErr_Occurred()) goto done;
    if (!plain) goto not_plain;
    /* references: cached, and of the commodity's domain */
    PyObject *commodity = PyDict_GetItemWithError(commodities, value[COMMODITY]);
    if (commodity == NULL) goto not_plain_or_error;
    PyObject *domain = keep[0] = PyObject_GetAttrString(commodity, "domain");
    PyObject *scale_object = keep[1] = domain ? PyObject_GetAttrString(commodity, "scale") : NULL;
    if (scale_object == NULL) goto done;
    PyObject *from_domain = domain_of(accounts, value[FROM], &keep[2]);
    if (from_domain == NULL) goto not_plain_or_error;
    PyObject *to_domain = domain_of(accounts, value[TO], &keep[3]);
    if (to_domain == NULL) goto not_plain_or_error;
    int same = PyObject_RichCompareBool(from_domain, domain, Py_EQ);
    if (same == 1) same = PyObject_RichCompareBool(to_domain, domain, Py_EQ);
    if (same < 0) goto done;
    if (!same) goto not_plain;
    long long scale = PyLong_AsLongLong(scale_object);
    if (scale == -1 && PyErr_Occurred()) goto done;
    /* quantity: canonical text and minor units */
    PyObject *quantity_text = keep[4] = PyObject_Str(quantity);
    if (quantity_text == NULL) goto done;
    writer_row row = {0};
    if ((row.ptr[W_QUANTITY] = PyUnicode_AsUTF8AndSize(quantity_text, &row.len[W_QUANTITY])) ==
        NULL)
        goto done;
    if (!exact_quantity(row.ptr[W_QUANTITY], row.len[W_QUANTITY], scale, &row.minor))
        goto not_plain;
    /* attributes: flat exact scalars */
    int flat = append_attributes(&attributes, value[ATTRIBUTES], decimal_type);
    if (flat < 0) goto done;
    if (flat > 0) goto not_plain;
    /* texts of the row */
    static const int text_field[] = {W_COMMODITY, -1, W_FROM, W_TO, W_KIND, -1, W_ACTOR,
                                     W_DOCUMENT_REF, W_IDEMPOTENCY_KEY, -1};
    for (int f = 0; f < N; f++)
        if (text_field[f] >= 0 && writer_text(&row, text_field[f], value[f], 1, 0) < 0) goto done;
    char effective_at[27], recorded_at[27], entry_id[36];
    timestamp_text(effective_at, PyDateTime_GET_YEAR(moment), PyDateTime_GET_MONTH(moment),
                   PyDateTime_GET_DAY(moment), PyDateTime_DATE_GET_HOUR(moment),
                   PyDateTime_DATE_GET_MINUTE(moment), PyDateTime_DATE_GET_SECOND(moment),
                   PyDateTime_DATE_GET_MICROSECOND(moment));
    row.ptr[W_EFFECTIVE_AT] = effective_at;
    row.len[W_EFFECTIVE_AT] = 27;
    row.ptr[W_ATTRIBUTES] = attributes.data;
    row.len[W_ATTRIBUTES] = (Py_ssize_t)attributes.len;
    if (uuid4_text(entry_id) < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        goto done;
    }
    row.ptr[W_ENTRY_ID] = entry_id;
    row.len[W_ENTRY_ID] = 36;
    struct timespec now;
    struct tm utc;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &utc);
    int microsecond = (int)(now.tv_nsec / 1000);
    timestamp_text(recorded_at, utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                   utc.tm_min, utc.tm_sec, microsecond);
    long long head_seq = 0;
    char head_hash[HASH_HEX], hash[HASH_HEX], why[256] = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = writer_transaction(self, &row, 1, recorded_at, 27, hash, &head_seq, head_hash, why);
    Py_END_ALLOW_THREADS
    if (rc != SQLITE_OK) {
        set_write_error(rc, why);
        goto done;
    }
    PyObject *recorded = PyDateTimeAPI->DateTime_FromDateAndTime(
        utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
        microsecond, PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
    if (recorded == NULL) goto done;
    PyObject *stored = Py_BuildValue(
        "(Ls#OLOOOs#s#OOOs#Os#s#)", head_seq + 1, entry_id, (Py_ssize_t)36, value[COMMODITY],
        row.minor, value[FROM], value[TO], value[KIND], recorded_at, (Py_ssize_t)27,
        effective_at, (Py_ssize_t)27, value[ACTOR], value[DOCUMENT], value[KEY],
        attributes.data, (Py_ssize_t)attributes.len, Py_None, head_hash, (Py_ssize_t)HASH_HEX,
        hash, (Py_ssize_t)HASH_HEX);
    if (stored != NULL) result = Py_BuildValue("(NNL)", stored, recorded, scale);
    else Py_DECREF(recorded);
    goto done;
not_plain_or_error:
    if (PyErr_Occurred()) goto done;
not_plain:
    result = Py_NewRef(Py_None);
done:
    for (int f = 0; f < N; f++) Py_XDECREF(value[f]);
    for (int k = 0; k < 6; k++) Py_XDECREF(keep[k]);
    free(attributes.data);
    return result;
}

static PyObject *Writer_close(Writer *self, PyObject *Py_UNUSED(ignored)) {
    if (!self->has_mutex) Py_RETURN_NONE;
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&self->busy);
    Writer_close_db(self);
    pthread_mutex_unlock(&self->busy);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

/* pragma(name): the value of `PRAGMA name` on the writer's connection (int or str). */
static PyObject *Writer_pragma(Writer *self, PyObject *name) {
    if (!PyUnicode_Check(name)) {
        PyErr_SetString(PyExc_TypeError, "pragma: a name expected");
        return NULL;
    }
    const char *text = PyUnicode_AsUTF8(name);
    if (text == NULL) return NULL;
    for (const char *c = text; *c; c++)
        if (!(*c == '_' || (*c >= 'a' && *c <= 'z'))) {
            PyErr_Format(PyExc_ValueError, "pragma: %R is not a pragma name", name);
            return NULL;
        }
    if (self->db == NULL) {
        PyErr_SetString(WriteError, "the writer is closed");
        return NULL;
    }
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA %.80s", text);
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(self->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        PyErr_SetString(WriteError, sqlite3_errmsg(self->db));
        return NULL;
    }
    PyObject *value;
    if (sqlite3_step(stmt) != SQLITE_ROW)
        value = Py_NewRef(Py_None);
    else if (sqlite3_column_type(stmt, 0) == SQLITE_INTEGER)
        value = PyLong_FromLongLong(sqlite3_column_int64(stmt, 0));
    else
        value = PyUnicode_FromString((const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return value;
}

static PyObject *Writer_abandon(Writer *self, PyObject *Py_UNUSED(ignored)) {
    for (int i = 0; i < 7; i++) *writer_statement(self, i) = NULL;
    self->db = NULL; /* a connection inherited across fork() is left alone, never closed */
    Py_RETURN_NONE;
}

static PyMethodDef Writer_methods[] = {
    {"append", (PyCFunction)Writer_append, METH_VARARGS,
     "append(entry_ids, commodity, quantities, minors, from_account, to_account, kind, "
     "recorded_at, effective_at, actor, document_ref, idempotency_key, attributes, corrects): "
     "write one batch in one transaction; returns (head_seq, head_hash, hashes). Raises "
     "WriteError((sqlite_code, message)) after rolling back."},
    {"append_one", (PyCFunction)Writer_append_one, METH_VARARGS,
     "append_one(draft, commodities, accounts, known_commodities, known_codes, known_kinds, "
     "known_texts, Decimal): check and write one plainly well-formed draft; None when the "
     "Python path must check it, else (row, recorded_at, scale)."},
    {"pragma", (PyCFunction)Writer_pragma, METH_O,
     "pragma(name): the value of PRAGMA name on the writer's connection."},
    {"close", (PyCFunction)Writer_close, METH_NOARGS, "Close the connection."},
    {"abandon", (PyCFunction)Writer_abandon, METH_NOARGS,
     "Forget the connection without closing it (in a child process after fork())."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject WriterType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "nafolo.ledger._chaincheck.Writer",
    .tp_basicsize = sizeof(Writer),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Writer(path): appends to the ledger of the SQLite store at `path` on a write "
              "connection of its own.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Writer_init,
    .tp_dealloc = (destructor)Writer_dealloc,
    .tp_methods = Writer_methods,
};

static PyMethodDef module_methods[] = {
    {"verify_sqlite", verify_sqlite, METH_VARARGS,
     "verify_sqlite(path, progress, batch): check the SQLite store at `path` in one read "
     "transaction; raises UnsupportedError when the Python verifier must do it."},
    {"utc_texts", utc_texts, METH_O,
     "utc_texts(moments): the canonical timestamp text of each UTC datetime."},
    {"attributes_texts", attributes_texts, METH_VARARGS,
     "attributes_texts(dicts, Decimal): the canonical JSON of each flat attributes dict, or "
     "None if one is not flat exact scalars."},
    {"chain_hashes", chain_hashes, METH_VARARGS,
     "chain_hashes(fields, count, previous): the hashes of `count` entries chained onto "
     "`previous`, each field a str or a list of `count` str (every canonical field but the "
     "previous hash)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT, "_chaincheck",
    "Compiled ledger-chain verifier (see nafolo.ledger.chain.verify).", -1, module_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__chaincheck(void) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) return NULL;
    if (PyType_Ready(&CheckerType) < 0 || PyType_Ready(&WriterType) < 0) return NULL;
    PyObject *module = PyModule_Create(&module_definition);
    if (module == NULL) return NULL;
    UnsupportedError = PyErr_NewExceptionWithDoc(
        "nafolo.ledger._chaincheck.UnsupportedError",
        "The store holds something the compiled verifier does not handle: use the Python one.",
        NULL, NULL);
    if (UnsupportedError == NULL ||
        PyModule_AddObjectRef(module, "UnsupportedError", UnsupportedError) < 0 ||
        PyModule_AddObjectRef(module, "Checker", (PyObject *)&CheckerType) < 0 ||
        (WriteError = PyErr_NewExceptionWithDoc(
             "nafolo.ledger._chaincheck.WriteError",
             "A compiled append failed and was rolled back: args (sqlite_code, message).",
             NULL, NULL)) == NULL ||
        PyModule_AddObjectRef(module, "WriteError", WriteError) < 0 ||
        PyModule_AddObjectRef(module, "Writer", (PyObject *)&WriterType) < 0 ||
        PyModule_AddStringConstant(module, "SQLITE_VERSION", sqlite3_libversion()) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
