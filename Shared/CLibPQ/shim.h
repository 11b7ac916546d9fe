// CLibPQ: the libpq client API (libpq-fe.h) for Swift.
#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
