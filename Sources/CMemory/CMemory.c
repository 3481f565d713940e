// The target's functions are inline, in include/CMemory.h.
#include "CMemory.h"
