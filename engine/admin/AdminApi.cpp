#include "AdminApi.h"

#include "AdminConfigEndpoints.h"
#include "AdminEntities.h"
#include "AdminKeys.h"
#include "AdminOpenApi.h"
#include "AdminStatus.h"
#include "AdminSupport.h"
#include "AdminTraffic.h"
#include "AdminUsage.h"
#include "config/ConfigService.h"

#include <openssl/crypto.h>

namespace portico {

namespace {

bool tokenMatches(const QByteArray &authorization, const QString &token)
{
    static const QByteArray scheme = "bearer ";
    if (authorization.size() <= scheme.size()
        || authorization.first(scheme.size()).toLower() != scheme)
        return false;
    const QByteArray given = authorization.sliced(scheme.size()).trimmed();
    const QByteArray wanted = token.toUtf8();
    // Constant time, so the answer's timing says nothing about how much of it was right.
    return given.size() == wanted.size()
        && CRYPTO_memcmp(given.constData(), wanted.constData(), size_t(wanted.size())) == 0;
}

} // namespace

AdminApi::AdminApi(ConfigService &config, GatewayEngine *engine)
    : m_config(config), m_engine(engine)
{
}

std::optional<AdminResponse> AdminApi::refuse(const AdminRequest &request) const
{
    const QString &token = m_config.config().settings.adminToken;
    const bool loopback = request.peer.isLoopback();
    if (token.isEmpty()) {
        // Without a token the API is only for this machine, whatever address it listens on.
        if (!loopback)
            return AdminResponse::error(403, QStringLiteral("the Admin API answers only loopback "
                                                            "callers when no admin_token is set"));
        return std::nullopt;
    }
    if (loopback && request.isRead())
        return std::nullopt;
    if (tokenMatches(request.headers.value("Authorization"), token))
        return std::nullopt;
    return AdminResponse::error(401, QStringLiteral("this request needs the admin token "
                                                    "(Authorization: Bearer <admin_token>)"))
        .withHeader("WWW-Authenticate", "Bearer realm=\"portico-admin\"");
}

AdminResponse AdminApi::handle(const AdminRequest &request)
{
    if (std::optional<AdminResponse> refusal = refuse(request))
        return *refusal;
    AdminResponse response = route(request);
    response.withHeader("Cache-Control", "no-store");
    return response;
}

AdminResponse AdminApi::route(const AdminRequest &request)
{
    AdminContext context{m_config, m_engine};
    const QStringList &s = request.segments;
    if (s.size() == 1 && !request.isRead()
        && (s[0] == QLatin1String("status") || s[0] == QLatin1String("metrics")
            || s[0] == QLatin1String("openapi.json")))
        return methodNotAllowed("GET, HEAD");
    if (s == QStringList{QStringLiteral("status")})
        return statusResponse(context);
    if (s == QStringList{QStringLiteral("metrics")})
        return metricsResponse(context);
    if (s == QStringList{QStringLiteral("openapi.json")})
        return AdminResponse::json(200, adminOpenApiDocument());
    if (std::optional<AdminResponse> response = handleConfigRequest(context, request))
        return *response;
    if (std::optional<AdminResponse> response = handleKeyRequest(context, request))
        return *response;
    if (std::optional<AdminResponse> response = handleUsageRequest(context, request))
        return *response;
    if (std::optional<AdminResponse> response = handleEntityRequest(context, request))
        return *response;
    if (std::optional<AdminResponse> response = handleTrafficRequest(context, request))
        return *response;
    return notFound(QStringLiteral("no such endpoint; GET /openapi.json lists them"));
}

} // namespace portico
