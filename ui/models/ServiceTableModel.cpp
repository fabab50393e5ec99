#include "ServiceTableModel.h"

#include "views/StatusColors.h"

#include <QBrush>
#include <QGuiApplication>

namespace portico {

namespace {

QString describeTargets(const ServiceConfig &service)
{
    if (service.targets.size() == 1)
        return service.targets.front().url;
    int total = 0;
    for (const TargetConfig &t : service.targets)
        total += qMax(0, t.weight);
    QStringList parts;
    for (const TargetConfig &t : service.targets) {
        const int share = total > 0 ? qRound(100.0 * qMax(0, t.weight) / total) : 0;
        parts.append(QStringLiteral("%1 (%2%)").arg(t.url).arg(share));
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

ServiceTableModel::ServiceTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ServiceTableModel::setConfig(const Config &config)
{
    beginResetModel();
    std::vector<Row> old = std::move(m_rows);
    m_rows.clear();
    m_rows.reserve(config.services.size());
    for (const ServiceConfig &service : config.services) {
        Row row{service, {}, -1};
        for (const RouteConfig &route : config.routes) {
            if (route.service == service.name)
                row.routes.append(route.name);
        }
        // Health stays until the next reading rather than flickering to "unknown".
        for (const Row &o : old) {
            if (o.service.name == service.name && o.service.targets == service.targets)
                row.ejected = o.ejected;
        }
        m_rows.push_back(std::move(row));
    }
    endResetModel();
}

void ServiceTableModel::updateHealth(const std::vector<TargetHealthState> &health, bool running)
{
    bool changed = false;
    for (Row &row : m_rows) {
        int ejected = -1;
        if (running) {
            int seen = 0;
            int out = 0;
            for (const TargetHealthState &h : health) {
                if (h.service == row.service.name) {
                    ++seen;
                    out += h.ejected ? 1 : 0;
                }
            }
            // A service edited a moment ago is not in the running snapshot yet.
            if (seen == int(row.service.targets.size()))
                ejected = out;
        }
        changed = changed || ejected != row.ejected;
        row.ejected = ejected;
    }
    if (changed && !m_rows.empty())
        Q_EMIT dataChanged(index(0, Health), index(int(m_rows.size()) - 1, Health));
}

const ServiceConfig *ServiceTableModel::serviceAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)].service : nullptr;
}

int ServiceTableModel::rowOf(const QString &serviceName) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].service.name == serviceName)
            return int(i);
    }
    return -1;
}

QStringList ServiceTableModel::routesOf(const QString &serviceName) const
{
    const int row = rowOf(serviceName);
    return row < 0 ? QStringList() : m_rows[size_t(row)].routes;
}

int ServiceTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ServiceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ServiceTableModel::text(const Row &row, int column) const
{
    const ServiceConfig &s = row.service;
    switch (column) {
    case Name: return s.name;
    case Targets: return describeTargets(s);
    case Health:
        if (row.ejected < 0)
            return QStringLiteral("\u2013");
        if (row.ejected == 0)
            return s.targets.size() == 1 ? tr("healthy") : tr("all healthy");
        if (row.ejected == int(s.targets.size()))
            return s.targets.size() == 1 ? tr("ejected") : tr("all ejected");
        return tr("%1 of %2 ejected").arg(row.ejected).arg(s.targets.size());
    case ConnectTimeout: return QStringLiteral("%1 ms").arg(QLocale().toString(s.connectTimeoutMs));
    case ReadTimeout: return QStringLiteral("%1 ms").arg(QLocale().toString(s.readTimeoutMs));
    case Retries: return QString::number(s.retries);
    case Routes: return row.routes.isEmpty() ? tr("(none)") : row.routes.join(QStringLiteral(", "));
    default: return {};
    }
}

QVariant ServiceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole: return text(row, index.column());
    case Qt::ToolTipRole:
        if (index.column() == Health && row.ejected < 0)
            return tr("Known while the gateway runs this configuration");
        if (index.column() == Targets) {
            QStringList lines;
            for (const TargetConfig &t : row.service.targets)
                lines.append(tr("%1 (weight %2)").arg(t.url).arg(t.weight));
            return lines.join(u'\n');
        }
        return text(row, index.column());
    case Qt::ForegroundRole:
        if (index.column() == Health && row.ejected >= 0) {
            const QPalette palette = QGuiApplication::palette();
            return QBrush(row.ejected == 0 ? okColor(palette)
                          : row.ejected == int(row.service.targets.size())
                              ? errorColor(palette)
                              : warningColor(palette));
        }
        if (index.column() == Routes && row.routes.isEmpty())
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ConnectTimeout || index.column() == ReadTimeout
            || index.column() == Retries)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default: return {};
    }
}

QVariant ServiceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name: return tr("Service");
    case Targets: return tr("Targets");
    case Health: return tr("Health");
    case ConnectTimeout: return tr("Connect timeout");
    case ReadTimeout: return tr("Read timeout");
    case Retries: return tr("Retries");
    case Routes: return tr("Used by routes");
    default: return {};
    }
}

} // namespace portico
