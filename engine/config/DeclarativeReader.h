#pragma once

#include "Config.h"

#include <QSet>
#include <QStringList>

#include <functional>
#include <string>

namespace YAML {
class Node;
}

namespace portico {

// Turns a YAML (or JSON) tree of the declarative format into model values, collecting every
// problem instead of stopping at the first: unknown fields, wrong types, duplicate fields. It
// checks types only; ConfigValidator checks values and cross-references. Times and API keys
// are read in DeclarativeReaderKeys.cpp.
class DeclarativeReader
{
public:
    DeclarativeReader(ConfigErrors &errors, QStringList &warnings)
        : m_errors(errors), m_warnings(warnings)
    {}

    bool readRoot(const YAML::Node &root, Config &config); // false: root is not a mapping

    void readSettings(const YAML::Node &node, const QString &path, SettingsConfig &settings);
    // A settings key of ObserveConfig's; false when `key` is none of them.
    bool readObserveSetting(const std::string &key, const YAML::Node &value, const QString &path,
                            ObserveConfig &observe);
    void readService(const YAML::Node &node, const QString &path, ServiceConfig &service);
    void readRoute(const YAML::Node &node, const QString &path, RouteConfig &route);
    void readConsumer(const YAML::Node &node, const QString &path, ConsumerConfig &consumer);
    void readPlan(const YAML::Node &node, const QString &path, PlanConfig &plan);
    void readJwtProvider(const YAML::Node &node, const QString &path, JwtProviderConfig &jwt);
    void readCertificate(const YAML::Node &node, const QString &path,
                         CertificateConfig &certificate);
    // A key entry: {key: plaintext} (hashed here, the plaintext dropped) or the stored form
    // {id, hash, prefix, created, expires, revoked} that export writes.
    void readApiKey(const YAML::Node &node, const QString &path, ApiKeyConfig &key);

    // Validation errors under a field that already failed to parse only repeat that failure.
    bool isMasked(const ConfigError &error) const;

private:
    using FieldHandler =
        std::function<bool(const std::string &key, const YAML::Node &value, const QString &path)>;

    void error(const QString &path, const QString &message);
    void warning(const QString &message) { m_warnings.append(message); }

    void readMap(const YAML::Node &node, const QString &path, const FieldHandler &handler);
    bool expectMap(const YAML::Node &node, const QString &path);
    template<typename T>
    void readInteger(const YAML::Node &node, const QString &path, T &out);
    void readBool(const YAML::Node &node, const QString &path, bool &out);
    void readString(const YAML::Node &node, const QString &path, QString &out);
    void readStringList(const YAML::Node &node, const QString &path, QStringList &out);
    void readDateTime(const YAML::Node &node, const QString &path, QDateTime &out);
    void readLimits(const YAML::Node &node, const QString &path, LimitsConfig &limits);
    void readTarget(const YAML::Node &node, const QString &path, TargetConfig &target);
    template<typename List, typename F>
    void readList(const YAML::Node &node, const QString &path, List &out, F readItem);

    ConfigErrors &m_errors;
    QStringList &m_warnings;
    QSet<QString> m_failed;      // masks the path and everything below it
    QSet<QString> m_failedExact; // a list that lost an item: masks "list is empty" only
};

// "2026-11-28T07:50:00Z": how the declarative format writes times (UTC, whole seconds).
QString formatTimestamp(const QDateTime &time);
// Now, in UTC and whole seconds: what the format can hold.
QDateTime currentTimestamp();

} // namespace portico
