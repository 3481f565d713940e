// The target's one function is inline, in include/CPrefetch.h.
#include "CPrefetch.h"
