// Compiled only by the test "layers: an include going the wrong way does
// not compile": a source of the sqlite layer reaching up to the renderer.
// It must fail with the header not found, because aigc_sqlite does not
// link aigc_render and so does not have render/ on its include path.
#include "render/render.h"
#include "sqlite/connection.h"
#include "sqlite/statement.h"

int main() { return 0; }
