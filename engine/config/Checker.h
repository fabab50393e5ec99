#pragma once

#include "Config.h"
#include "ConfigValidator.h"
#include "FieldPath.h"

namespace portico::validation {

// Collects validation errors in the order they are found (config order).
class Checker
{
public:
    void add(const QString &path, const QString &message) { m_errors.push_back({path, message}); }
    void add(const FieldPath &path, const QString &message) { add(path.toString(), message); }

    template<typename Path>
    void range(const Path &path, qint64 value, qint64 min, qint64 max)
    {
        if (value < min || value > max)
            add(path, QStringLiteral("must be between %1 and %2").arg(min).arg(max));
    }

    // Reports `value` when it is not one of `allowed`, listing them.
    void oneOf(const QString &path, const QString &value, const QStringList &allowed)
    {
        if (allowed.contains(value))
            return;
        QStringList quoted;
        for (const QString &name : allowed)
            quoted.append(u'"' + name + u'"');
        add(path, QStringLiteral("unknown value \"%1\" (expected %2)")
                      .arg(value, quoted.join(QStringLiteral(", "))));
    }

    void name(const FieldPath &path, const QString &value)
    {
        const QString message = checkName(value);
        if (!message.isEmpty())
            add(path, message);
    }

    ConfigErrors take() { return std::move(m_errors); }

private:
    ConfigErrors m_errors;
};

} // namespace portico::validation
