#include "StoreWriter.h"

#include "ConfigTree.h"
#include "StoreSql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include <map>
#include <memory>

namespace portico {

namespace {

QString jsonList(const QStringList &values)
{
    if (values.isEmpty()) // most lists, and every consumer's groups in a large store
        return QStringLiteral("[]");
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(values)).toJson(QJsonDocument::Compact));
}

QVariant msOrNull(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant();
}

QString tableOf(EntityKind kind)
{
    switch (kind) {
    case EntityKind::Service: return QStringLiteral("services");
    case EntityKind::Route: return QStringLiteral("routes");
    case EntityKind::Consumer: return QStringLiteral("consumers");
    case EntityKind::Plan: return QStringLiteral("plans");
    case EntityKind::JwtProvider: return QStringLiteral("jwt_providers");
    case EntityKind::Certificate: return QStringLiteral("certificates");
    case EntityKind::Settings: break;
    }
    return QStringLiteral("settings");
}

// Each setting under its declarative name, as a JSON literal.
std::map<QString, QString> settingRows(const SettingsConfig &settings)
{
    std::map<QString, QString> rows;
    const QJsonObject object =
        QJsonDocument::fromJson(settingsToTree(settings).toJson(true)).object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QByteArray wrapped =
            QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact);
        rows[it.key()] = QString::fromUtf8(wrapped.sliced(1, wrapped.size() - 2));
    }
    return rows;
}

class Writer
{
public:
    Writer(QSqlDatabase &db, QString *error)
        : m_db(db)
        , m_error(error)
    {
    }

    // Runs `sql` (prepared once per Writer) with `values`.
    bool run(const QString &sql, std::initializer_list<QVariant> values, const QString &what)
    {
        std::unique_ptr<QSqlQuery> &query = m_queries[sql];
        if (!query) {
            query = std::make_unique<QSqlQuery>(m_db);
            if (!prepareSql(*query, sql, m_error)) {
                query.reset();
                return false;
            }
        }
        m_last = query.get();
        return runSql(*query, values, what, m_error);
    }
    qint64 lastInsertId() const { return m_last->lastInsertId().toLongLong(); }

    bool remove(EntityKind kind, const QString &name)
    {
        return run(QStringLiteral("DELETE FROM %1 WHERE name = ?").arg(tableOf(kind)), {name},
                   QStringLiteral("cannot remove %1 %2").arg(entityKindName(kind), name));
    }
    bool setPosition(EntityKind kind, const QString &name, qint64 position)
    {
        return run(QStringLiteral("UPDATE %1 SET position = ? WHERE name = ?").arg(tableOf(kind)),
                   {position, name},
                   QStringLiteral("cannot move %1 %2").arg(entityKindName(kind), name));
    }
    std::optional<qint64> idOf(EntityKind kind, const QString &name)
    {
        if (!run(QStringLiteral("SELECT id FROM %1 WHERE name = ?").arg(tableOf(kind)), {name},
                 QStringLiteral("cannot find %1 %2").arg(entityKindName(kind), name)))
            return std::nullopt;
        if (m_last->next()) {
            const qint64 id = m_last->value(0).toLongLong();
            m_last->finish();
            return id;
        }
        *m_error = QStringLiteral("%1 %2 has no row").arg(entityKindName(kind), name);
        return std::nullopt;
    }

    bool writeSettings(const SettingsConfig *before, const SettingsConfig &after);
    bool write(const ServiceConfig *before, const ServiceConfig &after, qint64 position);
    bool write(const RouteConfig *before, const RouteConfig &after, qint64 position);
    bool write(const ConsumerConfig *before, const ConsumerConfig &after, qint64 position);
    bool write(const PlanConfig *before, const PlanConfig &after, qint64 position);
    bool write(const JwtProviderConfig *before, const JwtProviderConfig &after, qint64 position);
    bool write(const CertificateConfig *before, const CertificateConfig &after, qint64 position);
    bool deleteKeys(const QString &consumer);
    bool forgetKeyUse(const QString &keyId);

private:
    bool insertKeys(qint64 consumerId, const ConsumerConfig &consumer);

    QSqlDatabase &m_db;
    QString *m_error;
    std::map<QString, std::unique_ptr<QSqlQuery>> m_queries;
    QSqlQuery *m_last = nullptr;
};

bool Writer::writeSettings(const SettingsConfig *before, const SettingsConfig &after)
{
    const std::map<QString, QString> old =
        before ? settingRows(*before) : std::map<QString, QString>();
    for (const auto &[name, value] : settingRows(after)) {
        const auto it = old.find(name);
        if (it != old.end() && it->second == value)
            continue;
        if (!run(QStringLiteral("INSERT INTO settings (name, value) VALUES (?, ?) "
                                "ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
                 {name, value}, QStringLiteral("cannot write setting %1").arg(name)))
            return false;
    }
    return true;
}

bool Writer::write(const ServiceConfig *before, const ServiceConfig &s, qint64 position)
{
    const QString what = QStringLiteral("cannot write service %1").arg(s.name);
    qint64 id = 0;
    if (!before) {
        if (!run(QStringLiteral("INSERT INTO services (name, position, connect_timeout_ms, "
                                "read_timeout_ms, preserve_host, retries, tls_verify, ca_bundle, "
                                "tls_server_name, client_certificate) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                 {s.name, position, s.connectTimeoutMs, s.readTimeoutMs, s.preserveHost, s.retries,
                  s.tlsVerify, s.caBundle, s.tlsServerName, s.clientCertificate},
                 what))
            return false;
        id = lastInsertId();
    } else {
        if (!run(QStringLiteral("UPDATE services SET position = ?, connect_timeout_ms = ?, "
                                "read_timeout_ms = ?, preserve_host = ?, retries = ?, "
                                "tls_verify = ?, ca_bundle = ?, tls_server_name = ?, "
                                "client_certificate = ? WHERE name = ?"),
                 {position, s.connectTimeoutMs, s.readTimeoutMs, s.preserveHost, s.retries,
                  s.tlsVerify, s.caBundle, s.tlsServerName, s.clientCertificate, s.name},
                 what))
            return false;
        if (before->targets == s.targets)
            return true;
        const std::optional<qint64> found = idOf(EntityKind::Service, s.name);
        if (!found
            || !run(QStringLiteral("DELETE FROM targets WHERE service_id = ?"), {*found}, what))
            return false;
        id = *found;
    }
    for (size_t t = 0; t < s.targets.size(); ++t) {
        if (!run(QStringLiteral("INSERT INTO targets (service_id, position, url, weight) "
                                "VALUES (?, ?, ?, ?)"),
                 {id, qint64(t), s.targets[t].url, s.targets[t].weight}, what))
            return false;
    }
    return true;
}

bool Writer::write(const RouteConfig *before, const RouteConfig &r, qint64 position)
{
    const QString what = QStringLiteral("cannot write route %1").arg(r.name);
    const LimitsConfig &l = r.rateLimit;
    const QString sql = before
        ? QStringLiteral("UPDATE routes SET position = ?, service_id = (SELECT id FROM services "
                         "WHERE name = ?), paths = ?, hosts = ?, methods = ?, strip_path = ?, "
                         "auth = ?, max_body_bytes = ?, enabled = ?, rate_second = ?, "
                         "rate_minute = ?, rate_hour = ?, rate_day = ?, rate_month = ?, "
                         "key_header = ?, key_in_query = ?, jwt_providers = ?, jwt_anonymous = ?, "
                         "allow_groups = ?, deny_groups = ?, allow_ips = ?, deny_ips = ? "
                         "WHERE name = ?")
        : QStringLiteral("INSERT INTO routes (position, service_id, paths, hosts, methods, "
                         "strip_path, auth, max_body_bytes, enabled, rate_second, rate_minute, "
                         "rate_hour, rate_day, rate_month, key_header, key_in_query, "
                         "jwt_providers, jwt_anonymous, allow_groups, deny_groups, allow_ips, "
                         "deny_ips, name) VALUES (?, (SELECT id FROM services WHERE name = ?), "
                         "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    return run(sql,
               {position, r.service, jsonList(r.paths), jsonList(r.hosts), jsonList(r.methods),
                r.stripPath, jsonList(r.auth), r.maxBodyBytes, r.enabled, l.second, l.minute,
                l.hour, l.day, l.month, r.keyHeader, r.keyInQuery, jsonList(r.jwtProviders),
                r.jwtAnonymous, jsonList(r.allowGroups), jsonList(r.denyGroups),
                jsonList(r.allowIps), jsonList(r.denyIps), r.name},
               what);
}

bool Writer::write(const ConsumerConfig *before, const ConsumerConfig &c, qint64 position)
{
    const QString what = QStringLiteral("cannot write consumer %1").arg(c.name);
    if (!before) {
        if (!run(QStringLiteral("INSERT INTO consumers (name, position, plan_id, custom_id, "
                                "groups) VALUES (?, ?, (SELECT id FROM plans WHERE name = ?), "
                                "?, ?)"),
                 {c.name, position, c.plan, c.customId, jsonList(c.groups)}, what))
            return false;
        return insertKeys(lastInsertId(), c);
    }
    if (!run(QStringLiteral("UPDATE consumers SET position = ?, plan_id = (SELECT id FROM plans "
                            "WHERE name = ?), custom_id = ?, groups = ? WHERE name = ?"),
             {position, c.plan, c.customId, jsonList(c.groups), c.name}, what))
        return false;
    if (before->keys == c.keys)
        return true;
    const std::optional<qint64> id = idOf(EntityKind::Consumer, c.name);
    return id && insertKeys(*id, c); // deleteKeys() already removed the old ones
}

bool Writer::insertKeys(qint64 consumerId, const ConsumerConfig &c)
{
    for (size_t k = 0; k < c.keys.size(); ++k) {
        const ApiKeyConfig &key = c.keys[k];
        if (!run(QStringLiteral("INSERT INTO api_keys (consumer_id, position, id, hash, prefix, "
                                "created_ms, expires_ms, revoked_ms) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                 {consumerId, qint64(k), key.id, key.hash, key.prefix, msOrNull(key.created),
                  msOrNull(key.expires), msOrNull(key.revoked)},
                 QStringLiteral("cannot write key %1 of consumer %2").arg(key.id, c.name)))
            return false;
    }
    return true;
}

bool Writer::deleteKeys(const QString &consumer)
{
    return run(QStringLiteral("DELETE FROM api_keys WHERE consumer_id = "
                              "(SELECT id FROM consumers WHERE name = ?)"),
               {consumer}, QStringLiteral("cannot replace the keys of consumer %1").arg(consumer));
}

bool Writer::forgetKeyUse(const QString &keyId)
{
    return run(QStringLiteral("DELETE FROM api_key_usage WHERE key_id = ?"), {keyId},
               QStringLiteral("cannot forget the use of key %1").arg(keyId));
}

bool Writer::write(const PlanConfig *before, const PlanConfig &p, qint64 position)
{
    const LimitsConfig &l = p.limits;
    const QString sql = before
        ? QStringLiteral("UPDATE plans SET position = ?, limit_second = ?, limit_minute = ?, "
                         "limit_hour = ?, limit_day = ?, limit_month = ? WHERE name = ?")
        : QStringLiteral("INSERT INTO plans (position, limit_second, limit_minute, limit_hour, "
                         "limit_day, limit_month, name) VALUES (?, ?, ?, ?, ?, ?, ?)");
    return run(sql, {position, l.second, l.minute, l.hour, l.day, l.month, p.name},
               QStringLiteral("cannot write plan %1").arg(p.name));
}

bool Writer::write(const JwtProviderConfig *before, const JwtProviderConfig &p, qint64 position)
{
    const QString sql = before
        ? QStringLiteral("UPDATE jwt_providers SET position = ?, issuer = ?, audiences = ?, "
                         "algorithms = ?, secret = ?, public_key = ?, jwks_url = ?, "
                         "consumer_claim = ?, clock_skew_s = ?, jwks_cache_min_s = ?, "
                         "jwks_cache_max_s = ? WHERE name = ?")
        : QStringLiteral("INSERT INTO jwt_providers (position, issuer, audiences, algorithms, "
                         "secret, public_key, jwks_url, consumer_claim, clock_skew_s, "
                         "jwks_cache_min_s, jwks_cache_max_s, name) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    return run(sql,
               {position, p.issuer, jsonList(p.audiences), jsonList(p.algorithms), p.secret,
                p.publicKey, p.jwksUrl, p.consumerClaim, p.clockSkewS, p.jwksCacheMinS,
                p.jwksCacheMaxS, p.name},
               QStringLiteral("cannot write jwt provider %1").arg(p.name));
}

bool Writer::write(const CertificateConfig *before, const CertificateConfig &c, qint64 position)
{
    const QString sql = before
        ? QStringLiteral("UPDATE certificates SET position = ?, hosts = ?, certificate_pem = ?, "
                         "private_key_pem = ? WHERE name = ?")
        : QStringLiteral("INSERT INTO certificates (position, hosts, certificate_pem, "
                         "private_key_pem, name, created_ms) VALUES (?, ?, ?, ?, ?, ?)");
    if (before)
        return run(sql, {position, jsonList(c.hosts), c.certificate, c.key, c.name},
                   QStringLiteral("cannot write certificate %1").arg(c.name));
    return run(sql,
               {position, jsonList(c.hosts), c.certificate, c.key, c.name,
                QDateTime::currentMSecsSinceEpoch()},
               QStringLiteral("cannot write certificate %1").arg(c.name));
}

// Inserts, updates and moves the entities of one list; plans the positions.
template<typename List>
bool writeList(Writer &writer, EntityKind kind, const List &before, const List &after,
               const std::vector<const EntityChange *> &changes,
               std::vector<qint64> &positions)
{
    const PositionPlan plan = planPositions(positions, qsizetype(after.size()), changes);
    std::vector<bool> written(after.size(), false);
    for (const EntityChange *change : changes) {
        if (change->removed())
            continue;
        const size_t j = size_t(change->newIndex);
        const qint64 position = plan.positions[j];
        written[j] = true;
        const bool ok = change->added() ? writer.write(nullptr, after[j], position)
            : change->contentChanged
            ? writer.write(&before[size_t(change->oldIndex)], after[j], position)
            : writer.setPosition(kind, after[j].name, position);
        if (!ok)
            return false;
    }
    for (size_t j = 0; plan.renumbered && j < size_t(after.size()); ++j) {
        if (!written[j] && !writer.setPosition(kind, after[j].name, plan.positions[j]))
            return false;
    }
    positions = plan.positions;
    return true;
}

bool writeChanges(QSqlDatabase &db, const Config &before, const Config &after,
                  const ConfigDiff &diff, StoredPositions &positions, bool allSettings,
                  QString *error)
{
    Writer writer(db, error);
    std::map<EntityKind, std::vector<const EntityChange *>> byKind;
    QSet<QString> keysBefore; // of the consumers that change, to forget removed keys' use
    QSet<QString> keysAfter;
    for (const EntityChange &change : diff.changes) {
        byKind[change.kind].push_back(&change);
        if (change.kind != EntityKind::Consumer || !change.contentChanged)
            continue;
        if (!change.added())
            for (const ApiKeyConfig &key : before.consumers[size_t(change.oldIndex)].keys)
                keysBefore.insert(key.id);
        if (!change.removed())
            for (const ApiKeyConfig &key : after.consumers[size_t(change.newIndex)].keys)
                keysAfter.insert(key.id);
    }

    // Removals first and the changed consumers' keys next, so that names, key ids and hashes
    // are free before anything takes them again (SQLite checks uniqueness per statement).
    for (const EntityChange &change : diff.changes) {
        if (change.removed() && !writer.remove(change.kind, change.name))
            return false;
    }
    for (const EntityChange *change : byKind[EntityKind::Consumer]) {
        if (change->removed() || change->added() || !change->contentChanged)
            continue;
        if (before.consumers[size_t(change->oldIndex)].keys
                != after.consumers[size_t(change->newIndex)].keys
            && !writer.deleteKeys(change->name))
            return false;
    }
    if ((allSettings || !byKind[EntityKind::Settings].empty())
        && !writer.writeSettings(allSettings ? nullptr : &before.settings, after.settings))
        return false;
    // Services and plans before the routes and consumers that look them up by name.
    if (!writeList(writer, EntityKind::Service, before.services, after.services,
                   byKind[EntityKind::Service], positions.services)
        || !writeList(writer, EntityKind::Plan, before.plans, after.plans, byKind[EntityKind::Plan],
                      positions.plans)
        || !writeList(writer, EntityKind::Route, before.routes, after.routes,
                      byKind[EntityKind::Route], positions.routes)
        || !writeList(writer, EntityKind::Consumer, before.consumers, after.consumers,
                      byKind[EntityKind::Consumer], positions.consumers)
        || !writeList(writer, EntityKind::JwtProvider, before.jwtProviders, after.jwtProviders,
                      byKind[EntityKind::JwtProvider], positions.jwtProviders)
        || !writeList(writer, EntityKind::Certificate, before.certificates, after.certificates,
                      byKind[EntityKind::Certificate], positions.certificates))
        return false;
    for (const QString &keyId : keysBefore) {
        if (!keysAfter.contains(keyId) && !writer.forgetKeyUse(keyId))
            return false;
    }
    return true;
}

} // namespace

bool writeConfigChanges(QSqlDatabase &db, const Config &before, const Config &after,
                        const ConfigDiff &diff, StoredPositions &positions, QString *error)
{
    return writeChanges(db, before, after, diff, positions, false, error);
}

bool writeInitialConfig(QSqlDatabase &db, const Config &config, StoredPositions &positions,
                        QString *error)
{
    const Config empty;
    positions = StoredPositions();
    return writeChanges(db, empty, config, diffConfigs(empty, config), positions, true, error);
}

} // namespace portico
