package io.adengine.model;

/**
 * An advertiser, core agency or sub-agent account (seed 001 §1.2).
 *
 * @param id                     control-plane id
 * @param version                control-plane version of this object
 * @param name                   display name
 * @param type                   who holds the account
 * @param company                registered company name
 * @param industry               industry key (see the special-industry list in config)
 * @param currency               settlement currency; every amount of this account's objects is in it
 * @param status                 review status
 * @param paymentMode            prepaid or post-paid
 * @param balanceMicros          prepaid balance left (may go negative on a post-paid account)
 * @param creditLimitMicros      credit a post-paid account may spend beyond its balance
 * @param commitmentLetterOnFile whether the industry promotion commitment letter is on file (seed 000 §4.5)
 */
public record Account(
        long id,
        long version,
        String name,
        AccountType type,
        String company,
        String industry,
        Currency currency,
        AccountStatus status,
        PaymentMode paymentMode,
        long balanceMicros,
        long creditLimitMicros,
        boolean commitmentLetterOnFile) {

    /** Money this account can still spend: balance plus, for post-paid accounts, the credit limit. */
    public long spendableMicros() {
        return paymentMode == PaymentMode.POSTPAID ? balanceMicros + creditLimitMicros : balanceMicros;
    }
}
