#include "StoreReader.h"

#include "DeclarativeFormat.h"
#include "StoreSql.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace portico {

namespace {

// One row of a list table, before the list is put in position order.
template<typename T>
struct Row
{
    qint64 position = 0;
    qint64 id = 0;
    T value;
    QString problemField; // the first problem found in the row, if any
    QString problem;
};

// ["a","b"] as the writer stores it, without escapes: read without a JSON parser (routes have
// ten such lists each). Anything else goes to QJsonDocument.
bool plainStringList(const QString &text, QStringList &out)
{
    const qsizetype size = text.size();
    if (size < 2 || text[0] != u'[' || text[size - 1] != u']' || text.contains(u'\\'))
        return false;
    out.clear();
    qsizetype at = 1;
    if (at == size - 1)
        return true; // []
    while (true) {
        if (text[at] != u'"')
            return false;
        const qsizetype close = text.indexOf(u'"', at + 1);
        if (close < 0)
            return false;
        out.append(text.sliced(at + 1, close - at - 1));
        at = close + 1;
        if (at == size - 1)
            return true;
        if (text[at] != u',')
            return false;
        ++at;
    }
}

class Reader
{
public:
    Reader(QSqlDatabase &db, ConfigErrors &problems, QString *error)
        : m_db(db)
        , m_problems(problems)
        , m_error(error)
    {
    }

    bool select(QSqlQuery &query, const QString &sql)
    {
        query.setForwardOnly(true);
        if (query.exec(sql))
            return true;
        *m_error = sqlFailure(QStringLiteral("cannot read the store"), query.lastError());
        return false;
    }
    // next() also fails on an unreadable page: tell that apart from the end of the rows.
    bool finished(const QSqlQuery &query)
    {
        if (!query.lastError().isValid())
            return true;
        *m_error = sqlFailure(QStringLiteral("cannot read the store"), query.lastError());
        return false;
    }

    template<typename T>
    void stringList(Row<T> &row, const QVariant &column, const char *field, QStringList &out)
    {
        if (plainStringList(column.toString(), out))
            return;
        const QJsonDocument document = QJsonDocument::fromJson(column.toString().toUtf8());
        const QJsonArray array = document.array();
        bool ok = document.isArray();
        out.clear();
        out.reserve(array.size());
        for (const QJsonValue &value : array) {
            ok = ok && value.isString();
            out.append(value.toString());
        }
        if (!ok)
            problem(row, field, QStringLiteral("stored value is not a JSON list of strings"));
    }

    template<typename T>
    void problem(Row<T> &row, const char *field, const QString &message)
    {
        if (row.problem.isEmpty()) {
            row.problemField = QString::fromLatin1(field);
            row.problem = message;
        }
    }

    // Sorts `rows` into `list` by position, reporting each row's problem under its index.
    template<typename T, typename List>
    void finish(std::vector<Row<T>> &rows, const char *listName, List &list,
                std::vector<qint64> &positions)
    {
        const auto byPosition = [](const Row<T> &a, const Row<T> &b) {
            return a.position < b.position;
        };
        if (!std::is_sorted(rows.begin(), rows.end(), byPosition)) // rows mostly come in order
            std::sort(rows.begin(), rows.end(), byPosition);
        list.clear();
        list.reserve(rows.size());
        positions.clear();
        positions.reserve(rows.size());
        for (Row<T> &row : rows) {
            if (!row.problem.isEmpty()) {
                m_problems.push_back({QStringLiteral("%1[%2].%3")
                                          .arg(QLatin1String(listName))
                                          .arg(list.size())
                                          .arg(row.problemField),
                                      row.problem});
            }
            positions.push_back(row.position);
            list.push_back(std::move(row.value));
        }
    }

    bool settings(SettingsConfig &settings);
    bool services(std::vector<ServiceConfig> &services, std::vector<qint64> &positions,
                  QHash<qint64, QString> &names);
    bool plans(std::vector<PlanConfig> &plans, std::vector<qint64> &positions,
               QHash<qint64, QString> &names);
    bool routes(std::vector<RouteConfig> &routes, std::vector<qint64> &positions,
                const QHash<qint64, QString> &serviceNames);
    bool consumers(QList<ConsumerConfig> &consumers, std::vector<qint64> &positions,
                   const QHash<qint64, QString> &planNames);
    bool jwtProviders(std::vector<JwtProviderConfig> &providers, std::vector<qint64> &positions);
    bool certificates(std::vector<CertificateConfig> &certificates,
                      std::vector<qint64> &positions);

private:
    QSqlDatabase &m_db;
    ConfigErrors &m_problems;
    QString *m_error;
};

LimitsConfig limitsAt(const QSqlQuery &query, int first)
{
    LimitsConfig limits;
    limits.second = query.value(first).toLongLong();
    limits.minute = query.value(first + 1).toLongLong();
    limits.hour = query.value(first + 2).toLongLong();
    limits.day = query.value(first + 3).toLongLong();
    limits.month = query.value(first + 4).toLongLong();
    return limits;
}

QDateTime timeAt(const QSqlQuery &query, int column)
{
    const QVariant value = query.value(column);
    return value.isNull() ? QDateTime()
                          : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

bool Reader::settings(SettingsConfig &settings)
{
    QSqlQuery query(m_db);
    if (!select(query, QStringLiteral("SELECT name, value FROM settings ORDER BY name")))
        return false;
    // Read through the declarative reader, so a stored value gets the same type checks as
    // an imported one.
    QJsonObject object;
    while (query.next()) {
        const QString name = query.value(0).toString();
        const QJsonDocument value =
            QJsonDocument::fromJson('[' + query.value(1).toString().toUtf8() + ']');
        if (value.array().size() != 1) {
            m_problems.push_back({QStringLiteral("settings.") + name,
                                  QStringLiteral("stored value is not a JSON value")});
            continue;
        }
        object.insert(name, value.array().first());
    }
    if (!finished(query))
        return false;
    PartLoadResult<SettingsConfig> parsed =
        parseSettingsPart(QJsonDocument(object).toJson(QJsonDocument::Compact));
    for (const ConfigError &problem : parsed.errors)
        m_problems.push_back({QStringLiteral("settings.") + problem.path, problem.message});
    settings = std::move(parsed.value);
    return true;
}

bool Reader::services(std::vector<ServiceConfig> &services, std::vector<qint64> &positions,
                      QHash<qint64, QString> &names)
{
    QSqlQuery query(m_db);
    if (!select(query,
                QStringLiteral("SELECT id, position, name, connect_timeout_ms, "
                               "read_timeout_ms, preserve_host, retries, tls_verify, ca_bundle, "
                               "tls_server_name, client_certificate FROM services")))
        return false;
    std::vector<Row<ServiceConfig>> rows;
    QHash<qint64, size_t> rowOf;
    while (query.next()) {
        Row<ServiceConfig> &row = rows.emplace_back();
        row.id = query.value(0).toLongLong();
        row.position = query.value(1).toLongLong();
        row.value.name = query.value(2).toString();
        row.value.connectTimeoutMs = query.value(3).toInt();
        row.value.readTimeoutMs = query.value(4).toInt();
        row.value.preserveHost = query.value(5).toBool();
        row.value.retries = query.value(6).toInt();
        row.value.tlsVerify = query.value(7).toBool();
        row.value.caBundle = query.value(8).toString();
        row.value.tlsServerName = query.value(9).toString();
        row.value.clientCertificate = query.value(10).toString();
        rowOf.insert(row.id, rows.size() - 1);
        names.insert(row.id, row.value.name);
    }
    if (!finished(query)
        || !select(query,
                   QStringLiteral("SELECT service_id, url, weight FROM targets "
                                  "ORDER BY service_id, position")))
        return false;
    while (query.next()) {
        const auto it = rowOf.constFind(query.value(0).toLongLong());
        if (it != rowOf.cend()) // foreign keys make orphans impossible unless turned off
            rows[*it].value.targets.push_back({query.value(1).toString(), query.value(2).toInt()});
    }
    if (!finished(query))
        return false;
    finish(rows, "services", services, positions);
    return true;
}

bool Reader::plans(std::vector<PlanConfig> &plans, std::vector<qint64> &positions,
                   QHash<qint64, QString> &names)
{
    QSqlQuery query(m_db);
    if (!select(query,
                QStringLiteral("SELECT id, position, name, limit_second, limit_minute, "
                               "limit_hour, limit_day, limit_month FROM plans")))
        return false;
    std::vector<Row<PlanConfig>> rows;
    while (query.next()) {
        Row<PlanConfig> &row = rows.emplace_back();
        row.id = query.value(0).toLongLong();
        row.position = query.value(1).toLongLong();
        row.value.name = query.value(2).toString();
        row.value.limits = limitsAt(query, 3);
        names.insert(row.id, row.value.name);
    }
    if (!finished(query))
        return false;
    finish(rows, "plans", plans, positions);
    return true;
}

bool Reader::routes(std::vector<RouteConfig> &routes, std::vector<qint64> &positions,
                    const QHash<qint64, QString> &serviceNames)
{
    QSqlQuery query(m_db);
    if (!select(
            query,
            QStringLiteral("SELECT position, name, service_id, paths, hosts, methods, strip_path, "
                           "auth, max_body_bytes, enabled, rate_second, rate_minute, rate_hour, "
                           "rate_day, rate_month, key_header, key_in_query, jwt_providers, "
                           "jwt_anonymous, allow_groups, deny_groups, allow_ips, deny_ips "
                           "FROM routes")))
        return false;
    std::vector<Row<RouteConfig>> rows;
    while (query.next()) {
        Row<RouteConfig> &row = rows.emplace_back();
        RouteConfig &route = row.value;
        row.position = query.value(0).toLongLong();
        route.name = query.value(1).toString();
        const auto service = serviceNames.constFind(query.value(2).toLongLong());
        if (service == serviceNames.cend())
            problem(row, "service", QStringLiteral("the stored service row does not exist"));
        else
            route.service = *service;
        stringList(row, query.value(3), "paths", route.paths);
        stringList(row, query.value(4), "hosts", route.hosts);
        stringList(row, query.value(5), "methods", route.methods);
        route.stripPath = query.value(6).toBool();
        stringList(row, query.value(7), "auth", route.auth);
        route.maxBodyBytes = query.value(8).toLongLong();
        route.enabled = query.value(9).toBool();
        route.rateLimit = limitsAt(query, 10);
        route.keyHeader = query.value(15).toString();
        route.keyInQuery = query.value(16).toBool();
        stringList(row, query.value(17), "jwt_providers", route.jwtProviders);
        route.jwtAnonymous = query.value(18).toBool();
        stringList(row, query.value(19), "allow_groups", route.allowGroups);
        stringList(row, query.value(20), "deny_groups", route.denyGroups);
        stringList(row, query.value(21), "allow_ips", route.allowIps);
        stringList(row, query.value(22), "deny_ips", route.denyIps);
    }
    if (!finished(query))
        return false;
    finish(rows, "routes", routes, positions);
    return true;
}

bool Reader::consumers(QList<ConsumerConfig> &consumers, std::vector<qint64> &positions,
                       const QHash<qint64, QString> &planNames)
{
    QSqlQuery query(m_db);
    if (!select(query, QStringLiteral("SELECT id, position, name, plan_id, custom_id, groups "
                                      "FROM consumers")))
        return false;
    std::vector<Row<ConsumerConfig>> rows;
    while (query.next()) {
        Row<ConsumerConfig> &row = rows.emplace_back();
        row.id = query.value(0).toLongLong();
        row.position = query.value(1).toLongLong();
        row.value.name = query.value(2).toString();
        const QVariant plan = query.value(3);
        if (!plan.isNull()) {
            const auto name = planNames.constFind(plan.toLongLong());
            if (name == planNames.cend())
                problem(row, "plan", QStringLiteral("the stored plan row does not exist"));
            else
                row.value.plan = *name; // shares the plan's string
        }
        row.value.customId = query.value(4).toString();
        stringList(row, query.value(5), "groups", row.value.groups);
    }
    if (!finished(query))
        return false;
    const auto byId = [](const auto &a, const auto &b) { return a.id < b.id; };
    if (!std::is_sorted(rows.begin(), rows.end(), byId))
        std::sort(rows.begin(), rows.end(), byId);
    // Keys come in consumer id order, like the rows now: walk both together.
    if (!select(query,
                QStringLiteral("SELECT consumer_id, id, hash, prefix, created_ms, "
                               "expires_ms, revoked_ms FROM api_keys "
                               "ORDER BY consumer_id, position")))
        return false;
    size_t row = 0;
    while (query.next()) {
        const qint64 consumerId = query.value(0).toLongLong();
        while (row < rows.size() && rows[row].id < consumerId)
            ++row;
        if (row == rows.size() || rows[row].id != consumerId)
            continue; // foreign keys make orphans impossible unless turned off
        ApiKeyConfig &key = rows[row].value.keys.emplace_back();
        key.id = query.value(1).toString();
        key.hash = query.value(2).toString();
        key.prefix = query.value(3).toString();
        key.created = timeAt(query, 4);
        key.expires = timeAt(query, 5);
        key.revoked = timeAt(query, 6);
    }
    if (!finished(query))
        return false;
    finish(rows, "consumers", consumers, positions);
    return true;
}

bool Reader::jwtProviders(std::vector<JwtProviderConfig> &providers, std::vector<qint64> &positions)
{
    QSqlQuery query(m_db);
    if (!select(query,
                QStringLiteral("SELECT position, name, issuer, audiences, algorithms, "
                               "secret, public_key, jwks_url, consumer_claim, clock_skew_s, "
                               "jwks_cache_min_s, jwks_cache_max_s FROM jwt_providers")))
        return false;
    std::vector<Row<JwtProviderConfig>> rows;
    while (query.next()) {
        Row<JwtProviderConfig> &row = rows.emplace_back();
        JwtProviderConfig &p = row.value;
        row.position = query.value(0).toLongLong();
        p.name = query.value(1).toString();
        p.issuer = query.value(2).toString();
        stringList(row, query.value(3), "audiences", p.audiences);
        stringList(row, query.value(4), "algorithms", p.algorithms);
        p.secret = query.value(5).toString();
        p.publicKey = query.value(6).toString();
        p.jwksUrl = query.value(7).toString();
        p.consumerClaim = query.value(8).toString();
        p.clockSkewS = query.value(9).toInt();
        p.jwksCacheMinS = query.value(10).toInt();
        p.jwksCacheMaxS = query.value(11).toInt();
    }
    if (!finished(query))
        return false;
    finish(rows, "jwt_providers", providers, positions);
    return true;
}

bool Reader::certificates(std::vector<CertificateConfig> &certificates,
                          std::vector<qint64> &positions)
{
    QSqlQuery query(m_db);
    if (!select(query, QStringLiteral("SELECT position, name, hosts, certificate_pem, "
                                      "private_key_pem FROM certificates")))
        return false;
    std::vector<Row<CertificateConfig>> rows;
    while (query.next()) {
        Row<CertificateConfig> &row = rows.emplace_back();
        CertificateConfig &c = row.value;
        row.position = query.value(0).toLongLong();
        c.name = query.value(1).toString();
        stringList(row, query.value(2), "hosts", c.hosts);
        c.certificate = query.value(3).toString();
        c.key = query.value(4).toString();
    }
    if (!finished(query))
        return false;
    finish(rows, "certificates", certificates, positions);
    return true;
}

} // namespace

bool readStoredConfig(QSqlDatabase &db, Config &config, StoredPositions &positions,
                      ConfigErrors &problems, QString *error)
{
    Reader reader(db, problems, error);
    QHash<qint64, QString> serviceNames;
    QHash<qint64, QString> planNames;
    config = Config();
    return reader.settings(config.settings)
        && reader.services(config.services, positions.services, serviceNames)
        && reader.plans(config.plans, positions.plans, planNames)
        && reader.routes(config.routes, positions.routes, serviceNames)
        && reader.consumers(config.consumers, positions.consumers, planNames)
        && reader.jwtProviders(config.jwtProviders, positions.jwtProviders)
        && reader.certificates(config.certificates, positions.certificates);
}

} // namespace portico
