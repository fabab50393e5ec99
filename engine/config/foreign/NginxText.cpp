#include "NginxText.h"

#include "config/Addresses.h"

#include <algorithm>

namespace portico {

namespace {

bool isPlainChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
        || QStringView(u"/_.^$*+?()[]|:,=@%~!&-").contains(c);
}

// nginx matches locations against the decoded path; Portico keeps escapes other than those of
// unreserved characters, so decode them here.
QString decoded(const QString &path)
{
    return QString::fromUtf8(QByteArray::fromPercentEncoding(path.toUtf8()));
}

struct Target
{
    QString scheme = QStringLiteral("http");
    QString host;
    QString hostPort;
    QString basePath;
};

Target firstTarget(const ServiceConfig &service)
{
    for (const TargetConfig &t : service.targets) {
        if (const auto url = parseTargetUrl(t.url)) {
            const QString host = url->host.contains(u':') ? u'[' + url->host + u']' : url->host;
            return {url->scheme, url->host, host + u':' + QString::number(url->port),
                    QString::fromUtf8(url->basePath)};
        }
    }
    return {};
}

// TLS to an https:// service's targets. nginx reads certificates from files only: where the
// configuration holds PEM text, a comment says which file to write it to.
void writeUpstreamTls(NginxWriter &out, const ServiceConfig &service, const Target &target)
{
    const QString folder = QStringLiteral("/etc/nginx/portico/");
    out.line(QStringLiteral("proxy_ssl_protocols TLSv1.2 TLSv1.3;"));
    // The upstream block's name is no host name: SNI and verification need the target's.
    out.line(QStringLiteral("proxy_ssl_server_name on;"));
    out.line(QStringLiteral("proxy_ssl_name %1;")
                 .arg(nginxQuote(service.tlsServerName.isEmpty() ? target.host
                                                                 : service.tlsServerName)));
    out.line(QStringLiteral("proxy_ssl_verify %1;")
                 .arg(service.tlsVerify ? QStringLiteral("on") : QStringLiteral("off")));
    if (service.tlsVerify && service.caBundle.isEmpty()) {
        out.comment(QStringLiteral("the system's CAs (Debian's bundle)"));
        out.line(QStringLiteral("proxy_ssl_trusted_certificate "
                                "/etc/ssl/certs/ca-certificates.crt;"));
    } else if (service.tlsVerify) {
        const QString file = folder + service.name + QStringLiteral("-ca.pem");
        out.comment(QStringLiteral("write service %1's ca_bundle to %2").arg(service.name, file));
        out.line(QStringLiteral("proxy_ssl_trusted_certificate %1;").arg(nginxQuote(file)));
    }
    if (!service.clientCertificate.isEmpty()) {
        const QString file = folder + service.clientCertificate;
        out.comment(QStringLiteral("write certificate %1's chain to %2.crt and its key to %2.key")
                        .arg(service.clientCertificate, file));
        out.line(QStringLiteral("proxy_ssl_certificate %1;").arg(nginxQuote(file + ".crt")));
        out.line(QStringLiteral("proxy_ssl_certificate_key %1;").arg(nginxQuote(file + ".key")));
    }
}

} // namespace

void NginxWriter::line(const QString &text)
{
    m_text.append(QByteArray(m_depth * 4, ' '));
    m_text.append(text.toUtf8());
    m_text.append('\n');
}

void NginxWriter::open(const QString &header)
{
    line(header + QStringLiteral(" {"));
    ++m_depth;
}

void NginxWriter::close()
{
    --m_depth;
    line(QStringLiteral("}"));
}

void NginxWriter::blank()
{
    m_text.append('\n');
}

QString nginxQuote(const QString &token)
{
    if (!token.isEmpty() && std::all_of(token.cbegin(), token.cend(), isPlainChar))
        return token;
    // Inside double quotes nginx turns \" \' \\ \t \r \n into one character and keeps any
    // other backslash: double the backslash of "\\" and escape '"'; for a regex, "\t" read as a
    // tab (and so on) still matches the same.
    QString out = QStringLiteral("\"");
    for (qsizetype i = 0; i < token.size(); ++i) {
        const QChar c = token[i];
        if (c == u'\\' && i + 1 < token.size() && token[i + 1] == u'\\') {
            out.append(QStringLiteral("\\\\\\\\"));
            ++i;
        } else if (c == u'"') {
            out.append(QStringLiteral("\\\""));
        } else {
            out.append(c);
        }
    }
    out.append(u'"');
    return out;
}

std::vector<QString> nginxLocationMatches(const QString &path)
{
    if (path.startsWith(u'~'))
        return {QStringLiteral("~ ") + nginxQuote(path.sliced(1))};
    if (path.startsWith(u'='))
        return {QStringLiteral("= ") + nginxQuote(decoded(path.sliced(1)))};
    if (path.endsWith(u'/'))
        return {nginxQuote(decoded(path))};
    return {nginxQuote(decoded(path) + u'/'), QStringLiteral("= ") + nginxQuote(decoded(path))};
}

QString nginxUpstreamName(const QString &service)
{
    return QStringLiteral("portico_") + service;
}

void writeNginxLocation(NginxWriter &out, const NginxRouteContext &c, const QString &path,
                        const QString &match)
{
    const RouteConfig &route = c.route;
    const Target target = firstTarget(c.service);
    const QString base = target.basePath;
    out.open(QStringLiteral("location ") + match);
    out.comment(QStringLiteral("route %1, path %2").arg(route.name, path));
    const QStringList methods = nginxLimitExceptMethods(route.methods);
    const bool unknownMethods = !route.methods.isEmpty() && methods.isEmpty();
    if (!route.auth.isEmpty()) {
        out.comment(QStringLiteral("auth [%1] is not carried: closed until nginx authenticates "
                                   "these requests")
                        .arg(route.auth.join(QStringLiteral(", "))));
        out.line(QStringLiteral("deny all;"));
    } else if (!unknownMethods) {
        // The first rule that matches wins: deny before allow, as deny wins in Portico. (On a
        // closed location an allow would open it, so they are written on open ones only.)
        for (const QString &rule : route.denyIps)
            out.line(QStringLiteral("deny %1;").arg(nginxQuote(rule)));
        for (const QString &rule : route.allowIps)
            out.line(QStringLiteral("allow %1;").arg(nginxQuote(rule)));
        if (!route.allowIps.isEmpty())
            out.line(QStringLiteral("deny all;"));
    }
    if (unknownMethods) {
        out.comment(QStringLiteral("methods [%1] are unknown to limit_except: closed")
                        .arg(route.methods.join(QStringLiteral(", "))));
        out.line(QStringLiteral("deny all;"));
    } else if (!methods.isEmpty())
        out.line(QStringLiteral("limit_except %1 { deny all; }").arg(methods.join(u' ')));
    if (route.maxBodyBytes >= 0)
        out.line(QStringLiteral("client_max_body_size %1;")
                     .arg(std::max<qint64>(1, route.maxBodyBytes)));
    if (const auto rate = nginxRequestRate(route.rateLimit)) {
        // A burst of the whole limit lets N requests come together, as in Portico's window.
        out.line(QStringLiteral("limit_req zone=%1 burst=%2 nodelay;")
                     .arg(nginxZoneName(route.name))
                     .arg(rate->requests));
        out.line(QStringLiteral("limit_req_status 429;"));
    }

    QString uri; // what proxy_pass puts in place of the matched location
    if (path.startsWith(u'~')) {
        // A regex location cannot give proxy_pass a URI: rewrite the path instead.
        if (route.stripPath)
            out.line(QStringLiteral("rewrite %1 %2 break;")
                         .arg(nginxQuote(QStringLiteral("^(?:") + path.sliced(1)
                                         + QStringLiteral(")/?(?<portico_rest>.*)$")),
                              nginxQuote(base + QStringLiteral("/$portico_rest"))));
        if (!base.isEmpty())
            out.line(QStringLiteral("rewrite ^ %1 break;")
                         .arg(nginxQuote(base + QStringLiteral("$uri"))));
    } else if (route.stripPath) {
        uri = base + u'/';
    } else if (!base.isEmpty()) {
        const QString plain = path.startsWith(u'=') ? path.sliced(1) : path;
        uri = base
            + (match.startsWith(QStringLiteral("= ")) || plain.endsWith(u'/') ? plain
                                                                              : plain + u'/');
    }
    out.line(QStringLiteral("proxy_pass %1;")
                 .arg(nginxQuote(target.scheme + QStringLiteral("://")
                                 + nginxUpstreamName(c.service.name) + uri)));
    if (target.scheme == QStringLiteral("https"))
        writeUpstreamTls(out, c.service, target);
    out.line(QStringLiteral("proxy_http_version 1.1;"));
    out.line(QStringLiteral("proxy_set_header Connection \"\";"));
    out.line(QStringLiteral("proxy_set_header Host %1;")
                 .arg(c.service.preserveHost ? QStringLiteral("$http_host")
                                             : nginxQuote(target.hostPort)));
    out.line(QStringLiteral("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"));
    out.line(QStringLiteral("proxy_set_header X-Forwarded-Proto $scheme;"));
    out.line(QStringLiteral("proxy_set_header X-Forwarded-Host $host;"));
    out.line(QStringLiteral("proxy_connect_timeout %1ms;").arg(c.service.connectTimeoutMs));
    out.line(QStringLiteral("proxy_read_timeout %1ms;").arg(c.service.readTimeoutMs));
    out.line(QStringLiteral("proxy_next_upstream error timeout;"));
    out.line(QStringLiteral("proxy_next_upstream_tries %1;").arg(c.service.retries + 1));
    out.close();
}

std::optional<NginxRequestRate> nginxRequestRate(const LimitsConfig &limits)
{
    if (limits.second > 0)
        return NginxRequestRate{limits.second, true};
    if (limits.minute > 0)
        return NginxRequestRate{limits.minute, false};
    return std::nullopt;
}

QString nginxZoneName(const QString &route)
{
    return QStringLiteral("route_") + route;
}

QStringList nginxLimitExceptMethods(const QStringList &methods)
{
    static const QStringList known = {
        QStringLiteral("GET"),      QStringLiteral("HEAD"),      QStringLiteral("POST"),
        QStringLiteral("PUT"),      QStringLiteral("DELETE"),    QStringLiteral("MKCOL"),
        QStringLiteral("COPY"),     QStringLiteral("MOVE"),      QStringLiteral("OPTIONS"),
        QStringLiteral("PROPFIND"), QStringLiteral("PROPPATCH"), QStringLiteral("LOCK"),
        QStringLiteral("UNLOCK"),   QStringLiteral("PATCH")};
    QStringList out;
    for (const QString &method : methods) {
        if (known.contains(method))
            out.append(method);
    }
    return out;
}

} // namespace portico
