#include "ConsumerDialog.h"

#include "views/FieldMessage.h"

#include "config/ConfigValidator.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace portico {

namespace {

// A field with its message right under it, in one form row.
QWidget *withMessage(QWidget *field, FieldMessage *message)
{
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(field);
    layout->addWidget(message);
    return box;
}

// "consumers[12].groups[1]" -> "groups[1]"; empty when the path is not about a consumer.
QString consumerField(const QString &path)
{
    static const QRegularExpression re(QStringLiteral("^consumers\\[\\d+\\]\\.(.+)$"));
    const QRegularExpressionMatch m = re.match(path);
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace

ConsumerDialog::ConsumerDialog(const Config &config, const ConsumerConfig *existing,
                               QWidget *parent)
    : QDialog(parent)
    , m_original(existing ? *existing : ConsumerConfig())
    , m_isNew(!existing)
    , m_consumers(config.consumers)
    , m_plans(config.plans)
    , m_name(new QLineEdit(m_original.name))
    , m_plan(new QComboBox)
    , m_customId(new QLineEdit(m_original.customId))
    , m_groups(new QLineEdit(m_original.groups.join(QStringLiteral(", "))))
    , m_nameMessage(new FieldMessage)
    , m_planMessage(new FieldMessage)
    , m_customIdMessage(new FieldMessage)
    , m_groupsMessage(new FieldMessage)
    , m_message(new FieldMessage)
{
    setObjectName(QStringLiteral("consumerDialog"));
    setWindowTitle(m_isNew ? tr("New consumer") : tr("Edit consumer %1").arg(m_original.name));
    setMinimumWidth(460);

    m_name->setObjectName(QStringLiteral("consumerName"));
    m_name->setPlaceholderText(tr("e.g. mobile-app"));
    m_nameMessage->setObjectName(QStringLiteral("consumerNameMessage"));
    m_plan->setObjectName(QStringLiteral("consumerPlan"));
    m_plan->addItem(tr("No plan (only route limits apply)"), QString());
    for (const PlanConfig &plan : m_plans)
        m_plan->addItem(plan.name, plan.name);
    // A plan the stored consumer names but that is gone: kept visible so the error shows.
    if (!m_original.plan.isEmpty() && m_plan->findData(m_original.plan) < 0)
        m_plan->addItem(m_original.plan, m_original.plan);
    m_plan->setCurrentIndex(qMax(0, m_plan->findData(m_original.plan)));
    m_planMessage->setObjectName(QStringLiteral("consumerPlanMessage"));
    m_customId->setObjectName(QStringLiteral("consumerCustomId"));
    m_customId->setPlaceholderText(tr("optional; sent upstream as X-Consumer-Id"));
    m_customIdMessage->setObjectName(QStringLiteral("consumerCustomIdMessage"));
    m_groups->setObjectName(QStringLiteral("consumerGroups"));
    m_groups->setPlaceholderText(tr("optional, comma-separated; e.g. partners, beta"));
    m_groupsMessage->setObjectName(QStringLiteral("consumerGroupsMessage"));
    m_message->setObjectName(QStringLiteral("consumerDialogMessage"));

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("&Name:"), withMessage(m_name, m_nameMessage));
    form->addRow(tr("&Plan:"), withMessage(m_plan, m_planMessage));
    form->addRow(tr("&Custom id:"), withMessage(m_customId, m_customIdMessage));
    form->addRow(tr("&Groups:"), withMessage(m_groups, m_groupsMessage));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_apply = buttons->addButton(m_isNew ? tr("Create") : tr("Save"), QDialogButtonBox::AcceptRole);
    m_apply->setObjectName(QStringLiteral("applyConsumer"));
    m_apply->setDefault(true);
    // Apply does not close the dialog: it closes once the change is stored.
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (isValid())
            Q_EMIT applyRequested();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addWidget(buttons);

    connect(m_name, &QLineEdit::textChanged, this, &ConsumerDialog::validate);
    connect(m_plan, &QComboBox::currentIndexChanged, this, &ConsumerDialog::validate);
    connect(m_customId, &QLineEdit::textChanged, this, &ConsumerDialog::validate);
    connect(m_groups, &QLineEdit::textChanged, this, &ConsumerDialog::validate);
    validate();
}

QStringList ConsumerDialog::groups() const
{
    QStringList out;
    for (const QString &part : m_groups->text().split(u',')) {
        const QString group = part.trimmed();
        if (!group.isEmpty())
            out.append(group);
    }
    return out;
}

ConsumerConfig ConsumerDialog::consumer() const
{
    ConsumerConfig c = m_original;
    c.name = m_name->text().trimmed();
    c.plan = m_plan->currentData().toString();
    c.customId = m_customId->text();
    c.groups = groups();
    return c;
}

bool ConsumerDialog::isValid() const
{
    return m_apply->isEnabled();
}

void ConsumerDialog::validate()
{
    // The gateway's own checks on this consumer alone: the same messages the store would give,
    // without validating every other consumer on each key press.
    ConsumerConfig candidate = consumer();
    candidate.keys.clear();
    Config probe;
    probe.plans = m_plans;
    probe.consumers = {candidate};
    m_nameMessage->setMessage({});
    m_planMessage->setMessage({});
    m_customIdMessage->setMessage({});
    m_groupsMessage->setMessage({});
    m_message->setMessage({});
    const QStringList groupList = groups();
    for (const ConfigError &error : validateConfig(probe)) {
        const QString field = consumerField(error.path);
        if (field == QLatin1String("name")) {
            m_nameMessage->addMessage(error.message == QLatin1String("missing")
                                          ? tr("A name is required.")
                                          : error.message);
        } else if (field == QLatin1String("plan")) {
            m_planMessage->addMessage(error.message);
        } else if (field == QLatin1String("custom_id")) {
            m_customIdMessage->addMessage(error.message);
        } else if (field.startsWith(QLatin1String("groups"))) {
            const int g = field.section(u'[', 1).section(u']', 0, 0).toInt();
            m_groupsMessage->addMessage(
                tr("\"%1\": %2")
                    .arg(g < groupList.size() ? groupList[g] : QString(), error.message));
        } else {
            m_message->addMessage(error.toString());
        }
    }
    // Unique among the others; a linear pass is quick even over 100,000 consumers.
    for (const ConsumerConfig &other : m_consumers) {
        if (!m_isNew && other.name == m_original.name)
            continue;
        if (other.name == candidate.name && !m_nameMessage->hasMessage())
            m_nameMessage->setMessage(
                tr("Another consumer is already named \"%1\".").arg(candidate.name));
        if (!candidate.customId.isEmpty() && other.customId == candidate.customId
            && !m_customIdMessage->hasMessage())
            m_customIdMessage->setMessage(
                tr("Consumer \"%1\" already has this custom id.").arg(other.name));
    }
    m_apply->setEnabled(!m_nameMessage->hasMessage() && !m_planMessage->hasMessage()
                        && !m_customIdMessage->hasMessage() && !m_groupsMessage->hasMessage()
                        && !m_message->hasMessage());
}

void ConsumerDialog::showResult(const StoreResult &result)
{
    if (result.status == StoreResult::Status::Conflict) {
        m_message->setMessage(
            tr("The configuration was changed elsewhere while you edited (now r%1): nothing "
               "was saved. Check the consumer and apply again.")
                .arg(result.revision));
        return;
    }
    QStringList general;
    for (const ConfigError &error : result.errors) {
        const QString field = consumerField(error.path);
        if (field == QLatin1String("name"))
            m_nameMessage->addMessage(error.message);
        else if (field == QLatin1String("plan"))
            m_planMessage->addMessage(error.message);
        else if (field == QLatin1String("custom_id"))
            m_customIdMessage->addMessage(error.message);
        else if (field.startsWith(QLatin1String("groups")))
            m_groupsMessage->addMessage(error.message);
        else
            general.append(error.toString());
    }
    if (!general.isEmpty())
        m_message->setMessage(general.join(u'\n'));
    else if (result.errors.empty())
        m_message->setMessage(tr("The change was not saved."));
    // Until a field changes, applying again would only be refused again.
    m_apply->setEnabled(result.status != StoreResult::Status::Invalid);
}

} // namespace portico
