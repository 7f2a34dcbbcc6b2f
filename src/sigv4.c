// SPDX-License-Identifier: GPL-2.0-or-later
/* placeholder: being written */
#include <errno.h>
#include "sigv4.h"
