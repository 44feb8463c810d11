// The control for wrong_way.cpp: the same target set-up including only its
// own layer and the one below builds, so the failure there is the layering
// and not the set-up.
#include "base/error.h"
#include "sqlite/connection.h"
#include "sqlite/statement.h"

int main() { return 0; }
