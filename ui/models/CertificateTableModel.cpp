#include "CertificateTableModel.h"

#include "ControlRoom.h"
#include "views/StatusColors.h"

#include <QBrush>
#include <QLocale>

namespace portico {

namespace {

using State = CertificateStatus::State;

QString dateText(const QDateTime &time)
{
    return QLocale().toString(time.toLocalTime().date(), QLocale::ShortFormat);
}

QString namesText(const QStringList &names)
{
    return names.join(QStringLiteral(", "));
}

// A mark as well as a colour, so the state reads without telling red from green.
QString stateMark(State state)
{
    switch (state) {
    case State::Valid: return QStringLiteral("✔");
    case State::Expiring: return QStringLiteral("⚠");
    case State::Expired:
    case State::Unreadable: return QStringLiteral("✘");
    case State::NotYetValid: return QStringLiteral("⏲");
    }
    return {};
}

} // namespace

CertificateTableModel::CertificateTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void CertificateTableModel::setConfig(const Config &config, const QDateTime &now)
{
    const std::vector<CertificateStatus> statuses = certificateStatuses(config, now);
    std::vector<Row> rows;
    rows.reserve(statuses.size());
    for (size_t i = 0; i < statuses.size(); ++i)
        rows.push_back(Row{config.certificates[i], statuses[i]});
    const bool sameNames = rows.size() == m_rows.size()
        && std::equal(rows.begin(), rows.end(), m_rows.begin(), [](const Row &a, const Row &b) {
                               return a.certificate.name == b.certificate.name;
                           });
    if (sameNames) {
        // The same certificates in the same order: new figures in place, the selection stays.
        m_rows = std::move(rows);
        if (!m_rows.empty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

const CertificateConfig *CertificateTableModel::certificateAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)].certificate : nullptr;
}

const CertificateStatus *CertificateTableModel::statusAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)].status : nullptr;
}

int CertificateTableModel::rowOf(const QString &name) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].certificate.name == name)
            return int(i);
    }
    return -1;
}

int CertificateTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CertificateTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString CertificateTableModel::daysText(int days)
{
    if (days == 0)
        return tr("today");
    if (days > 0)
        return days == 1 ? tr("in 1 day") : tr("in %1 days").arg(QLocale().toString(days));
    return days == -1 ? tr("1 day ago") : tr("%1 days ago").arg(QLocale().toString(-days));
}

QString CertificateTableModel::stateText(State state)
{
    switch (state) {
    case State::Valid: return tr("valid");
    case State::Expiring: return tr("expiring soon");
    case State::Expired: return tr("expired");
    case State::NotYetValid: return tr("not yet valid");
    case State::Unreadable: return tr("unreadable");
    }
    return {};
}

QVariant CertificateTableModel::display(const Row &row, int column, bool isDefault) const
{
    const std::optional<CertificateInfo> &info = row.status.info;
    switch (column) {
    case Name:
        return isDefault ? tr("%1 (default)").arg(row.certificate.name) : row.certificate.name;
    case ServedNames:
        if (!row.certificate.hosts.isEmpty())
            return namesText(row.certificate.hosts);
        return info ? namesText(servedNames(*info)) : QString();
    case Issuer:
        if (!info)
            return tr("—");
        return info->selfSigned ? tr("%1 (self-signed)").arg(info->issuer) : info->issuer;
    case Expires:
        if (!info)
            return tr("—");
        return tr("%1 · %2").arg(dateText(info->notAfter), daysText(row.status.daysLeft));
    case Status: return stateMark(row.status.state) + u' ' + stateText(row.status.state);
    default: return {};
    }
}

QVariant CertificateTableModel::toolTip(const Row &row, int column, bool isDefault) const
{
    const std::optional<CertificateInfo> &info = row.status.info;
    switch (column) {
    case Name:
        return isDefault ? tr("The default certificate: served when the client's server name "
                              "matches no other (and to clients that send none)")
                         : row.certificate.name;
    case ServedNames:
        if (!row.certificate.hosts.isEmpty())
            return tr("Served for these names (its hosts)");
        return tr("No hosts set: served for the names the certificate carries");
    case Expires:
        if (!info)
            return {};
        return tr("Valid from %1 to %2")
            .arg(QLocale().toString(info->notBefore.toLocalTime(), QLocale::ShortFormat),
                 QLocale().toString(info->notAfter.toLocalTime(), QLocale::ShortFormat));
    case Status: {
        const QString warning = row.status.warning();
        if (!warning.isEmpty())
            return warning;
        return info ? tr("SHA-256 %1").arg(info->sha256Fingerprint) : QVariant();
    }
    default: return display(row, column, isDefault);
    }
}

QVariant CertificateTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const bool isDefault = index.row() == 0;
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole: return display(row, column, isDefault);
    case Qt::ToolTipRole: return toolTip(row, column, isDefault);
    case StateRole: return int(row.status.state);
    case Qt::DecorationRole:
        if (column == Name && isDefault)
            return portIcon("star");
        return {};
    case Qt::ForegroundRole: {
        const QPalette palette = QGuiApplication::palette();
        // The certificate's own names stand in for hosts not set: greyed, like a placeholder.
        if (column == ServedNames && row.certificate.hosts.isEmpty())
            return palette.brush(QPalette::PlaceholderText);
        if (column != Status && column != Expires)
            return {};
        switch (row.status.state) {
        case State::Valid: return column == Status ? QBrush(okColor(palette)) : QVariant();
        case State::Expiring:
        case State::NotYetValid: return QBrush(warningColor(palette));
        case State::Expired:
        case State::Unreadable: return QBrush(errorColor(palette));
        }
        return {};
    }
    default: return {};
    }
}

QVariant CertificateTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name: return tr("Certificate");
    case ServedNames: return tr("Served for");
    case Issuer: return tr("Issuer");
    case Expires: return tr("Expires");
    case Status: return tr("Status");
    default: return {};
    }
}

} // namespace portico
