#pragma once

#include "AdminMessage.h"
#include "config/ConfigStore.h"

#include <optional>

namespace portico {

class ConfigService;
class GatewayEngine;

// What every endpoint gets.
struct AdminContext
{
    ConfigService &config;
    GatewayEngine *engine; // null when no engine runs (tests of the API alone)
};

// The answer for a store result: 200/201 with `body`, 204 when body is null, 400 with field
// errors, 404, 409 on a conflict, 500 when the database refused. Always carries the ETag.
AdminResponse storeResponse(const StoreResult &result, int okStatus, const TreeValue &body);

// `ETag: "N"` where N is the configuration revision; writes may send it back as If-Match.
QByteArray revisionTag(qint64 revision);
// The revision an If-Match header names (0 when absent or "*"); nullopt when malformed.
std::optional<qint64> expectedRevision(const AdminRequest &request);
// The 400 for an If-Match expectedRevision() could not read.
AdminResponse badIfMatch();

// ?offset=&limit= of a list (limit 1..1000, default 100); nullopt and `error` when invalid.
struct Page
{
    qsizetype offset = 0;
    qsizetype limit = 100;
};
std::optional<Page> pageOf(const AdminRequest &request, QString *error);
// {"data": [...], "offset": o, "limit": l, "total": n, "next": "/path?offset=..&limit=.."}
TreeValue pageBody(TreeValue data, const Page &page, qsizetype total, const QString &path);

AdminResponse methodNotAllowed(const QByteArray &allow);
AdminResponse notFound(const QString &what);

} // namespace portico
