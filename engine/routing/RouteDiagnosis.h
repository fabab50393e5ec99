#pragma once

#include "config/Config.h"

#include <QByteArrayView>
#include <QString>

#include <vector>

namespace portico {

// Why no route of a (validated) configuration matched a request, for the route tester: the
// route its path alone would select, and what of it did not fit (the host, the method, or the
// route is disabled); or, when no path fits, the route whose path comes nearest. Asks the real
// Router again with the host, methods and enabled flags relaxed, so the answer follows the
// same precedence as matching. Costs a route table build or two: for a tester, not a worker.
QString explainNoMatch(const std::vector<RouteConfig> &routes, QByteArrayView method,
                       QByteArrayView host, QByteArrayView normalizedPath);

} // namespace portico
