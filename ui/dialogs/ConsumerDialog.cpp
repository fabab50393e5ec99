#include "ConsumerDialog.h"

#include "views/FieldErrorLabel.h"

#include "config/ConfigValidator.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace portico {

namespace {

// The dialog checks its consumer alone; the store reports it at its place among the others.
const QString kAnyConsumer = QStringLiteral("consumers[]");

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
    , m_nameMessage(new FieldErrorLabel(QStringLiteral("consumerNameMessage")))
    , m_customIdMessage(new FieldErrorLabel(QStringLiteral("consumerCustomIdMessage")))
    , m_message(new FieldErrorLabel(QStringLiteral("consumerDialogMessage")))
    , m_errors(m_message)
{
    setObjectName(QStringLiteral("consumerDialog"));
    setWindowTitle(m_isNew ? tr("New consumer") : tr("Edit consumer %1").arg(m_original.name));
    setMinimumWidth(460);

    m_name->setObjectName(QStringLiteral("consumerName"));
    m_name->setPlaceholderText(tr("e.g. mobile-app"));
    m_plan->setObjectName(QStringLiteral("consumerPlan"));
    m_plan->addItem(tr("No plan (only route limits apply)"), QString());
    for (const PlanConfig &plan : m_plans)
        m_plan->addItem(plan.name, plan.name);
    // A plan the stored consumer names but that is gone: kept visible so the error shows.
    if (!m_original.plan.isEmpty() && m_plan->findData(m_original.plan) < 0)
        m_plan->addItem(m_original.plan, m_original.plan);
    m_plan->setCurrentIndex(qMax(0, m_plan->findData(m_original.plan)));
    m_customId->setObjectName(QStringLiteral("consumerCustomId"));
    m_customId->setPlaceholderText(tr("optional; sent upstream as X-Consumer-Id"));
    m_groups->setObjectName(QStringLiteral("consumerGroups"));
    m_groups->setPlaceholderText(tr("optional, comma-separated; e.g. partners, beta"));

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    auto *planMessage = new FieldErrorLabel(QStringLiteral("consumerPlanMessage"));
    auto *groupsMessage = new FieldErrorLabel(QStringLiteral("consumerGroupsMessage"));
    form->addRow(tr("&Name:"), withErrorLabel(m_name, m_nameMessage));
    form->addRow(tr("&Plan:"), withErrorLabel(m_plan, planMessage));
    form->addRow(tr("&Custom id:"), withErrorLabel(m_customId, m_customIdMessage));
    form->addRow(tr("&Groups:"), withErrorLabel(m_groups, groupsMessage));
    m_errors.addField(QStringLiteral("name"), m_nameMessage, describeNameError);
    m_errors.addField(QStringLiteral("plan"), planMessage);
    m_errors.addField(QStringLiteral("custom_id"), m_customIdMessage);
    m_errors.addField(QStringLiteral("groups"), groupsMessage,
                      [this](int index, const QString &, const QString &message) {
                          const QStringList list = groups();
                          return tr("\"%1\": %2")
                              .arg(index >= 0 && index < list.size() ? list[index] : QString(),
                                   message);
                      });

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
    m_errors.show(validateConfig(probe), kAnyConsumer);
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
    m_apply->setEnabled(!m_errors.hasMessages());
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
    m_errors.show(result.errors, kAnyConsumer);
    if (result.errors.empty())
        m_message->setMessage(tr("The change was not saved."));
    // Until a field changes, applying again would only be refused again.
    m_apply->setEnabled(result.status != StoreResult::Status::Invalid);
}

} // namespace portico
