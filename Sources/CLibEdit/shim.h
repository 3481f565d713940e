#ifndef TALLY_CLIBEDIT_SHIM_H
#define TALLY_CLIBEDIT_SHIM_H
// libedit's native API. el_set/el_get/history are C variadics, which Swift cannot call:
// each operation Tally needs gets one small non-variadic wrapper here.
// Used only by Sources/TallyCLI/LineEditor.swift.
#include <histedit.h>
#include <stdio.h>
#include <wchar.h>

// Hidden from `import Glibc` (needs __USE_XOPEN); returns -1 for non-ASCII unless the
// LC_CTYPE locale is UTF-8. Redeclaring a glibc prototype is harmless.
extern int wcwidth(wchar_t c);

typedef char *(*tally_el_prompt_fn)(EditLine *);
typedef unsigned char (*tally_el_fn)(EditLine *, int);

// ---- editor ----

// el_init on the process's stdin/stdout/stderr (C globals, awkward from Swift 6).
static inline EditLine *tally_el_init(const char *prog) {
    return el_init(prog, stdin, stdout, stderr);
}

// Prompt function. Non-printing sequences (colours) in the prompt must be wrapped
// in \1 ... \1 so libedit does not count them as columns.
static inline int tally_el_set_prompt(EditLine *el, tally_el_prompt_fn fn) {
    return el_set(el, EL_PROMPT_ESC, fn, '\1');
}

// "emacs" or "vi".
static inline int tally_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

// 1: libedit catches SIGINT/SIGTSTP/SIGWINCH/... while reading, restores the terminal,
// then re-raises the signal to the process group with the previous handler.
static inline int tally_el_set_signal(EditLine *el, int on) {
    return el_set(el, EL_SIGNAL, on);
}

static inline int tally_el_add_function(EditLine *el, const char *name, const char *help,
                                        tally_el_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}

// bind KEY FUNCTION, e.g. ("^I", "tally-complete"), in the current (insert) key map.
static inline int tally_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, (const char *)NULL);
}

static inline int tally_el_set_clientdata(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}

static inline void *tally_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    if (el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}

static inline int tally_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}

// Terminal width as libedit knows it (kept current through SIGWINCH when EL_SIGNAL is on).
// Returns 0 if unknown.
static inline int tally_el_columns(EditLine *el) {
    int columns = 0;
    if (el_get(el, EL_GETTC, "co", &columns, (void *)NULL) != 0) return 0;
    return columns;
}

// Current editing mode: 1 if the editor is actually editing (a terminal), 0 otherwise.
static inline int tally_el_editmode(EditLine *el) {
    int on = 0;
    if (el_get(el, EL_EDITMODE, &on) != 0) return 0;
    return on;
}

// Write to libedit's output stream (stdout) and flush, e.g. for a completion listing.
static inline void tally_el_write(const char *text) {
    fputs(text, stdout);
    fflush(stdout);
}

// ---- history ----

static inline int tally_history_set_size(History *h, int size) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, size);
}

// 1: entering the same string as the newest entry is a no-op.
static inline int tally_history_set_unique(History *h, int unique) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, unique);
}

static inline int tally_history_enter(History *h, const char *entry) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, entry);
}

// Returns the number of entries read, or -1.
static inline int tally_history_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}

static inline int tally_history_save(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_SAVE, path);
}

static inline int tally_history_save_fp(History *h, FILE *fp) {
    HistEvent ev;
    return history(h, &ev, H_SAVE_FP, fp);
}

static inline int tally_history_count(History *h) {
    HistEvent ev;
    if (history(h, &ev, H_GETSIZE) != 0) return 0;
    return ev.num;
}

#endif
