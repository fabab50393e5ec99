#pragma once

#include "ForeignReport.h"

namespace portico {

// Routes for the operations of an OpenAPI 3.x document (YAML or JSON), one per path and method,
// added to a copy of `into` and sent to the service `serviceName`. When that service does not
// exist, it is created from the first http:// URL in servers[] (origin only: the base path stays
// in the routes), else the import fails. Path templates become regexes
// ("/pets/{id}" -> "~^/v1/pets/[^/]+$"), plain paths exact routes ("=/v1/pets"), under the base
// path of servers[0].url. Security: apiKey in header X-API-Key -> auth [key], http bearer ->
// auth [jwt]; an operation whose security has no Portico equivalent is imported disabled (never
// public). Swagger 2.0 documents are refused with an error. Errors name the source location
// ("paths./pets/{id}.get: ...").
ForeignImport importOpenApi(const QByteArray &text, const Config &into, const QString &serviceName);

} // namespace portico
