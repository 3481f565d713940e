#ifndef TALLY_CLIBEDIT_SHIM_H
#define TALLY_CLIBEDIT_SHIM_H
// libedit's native API. el_set/el_get/history are C variadics, which Swift cannot call:
// each operation Tally needs gets one small non-variadic wrapper here.
#include <histedit.h>
#endif
